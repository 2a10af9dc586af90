using Tessera.IO;
using Tessera.Nn;

namespace Tessera.Training;

/// <summary>Loads model weights for evaluation: a plain safetensors state dict, or a <see cref="Checkpoint"/> file.</summary>
public static class WeightsLoader
{
    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="model"/> strictly. A file with Tessera checkpoint metadata
    /// contributes its "model." tensors; any other file must be exactly the model's state dict.
    /// </summary>
    /// <exception cref="StateDictException">When names or shapes do not match.</exception>
    public static void Load(Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        var tensors = SafeTensors.Load(path, out var meta);
        if (meta.TryGetValue("format", out var f) && f == Checkpoint.FormatName)
            tensors = Checkpoint.Load(path).Model;
        model.LoadStateDict(tensors, strict: true);
        // LoadStateDict copied the values: unmap the file now rather than at the next GC.
        foreach (var t in tensors.Values) t.Dispose();
    }
}
