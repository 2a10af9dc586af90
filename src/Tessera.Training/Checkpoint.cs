using System.Globalization;
using System.Text.Json;
using Tessera.Data;
using Tessera.IO;
using Tessera.Nn;
using Tessera.Optim;
using Tessera.Optim.Schedulers;

namespace Tessera.Training;

/// <summary>
/// A training checkpoint kept in ONE safetensors file: model tensors under "model.", optimizer buffers under
/// "optim." (the flat form of <see cref="OptimizerStateDict.ToTensors"/>), and everything else (epoch, step,
/// scheduler, generator and data-loader state, optimizer groups) as JSON strings in the metadata.
/// The file is written to a temporary name and renamed, so a reader never sees a half-written checkpoint.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>Prefix of model tensors in the file.</summary>
    public const string ModelPrefix = "model.";

    /// <summary>Prefix of optimizer tensors in the file.</summary>
    public const string OptimizerPrefix = "optim.";

    /// <summary>Metadata value of "format", checked on load.</summary>
    public const string FormatName = "tessera.checkpoint.v1";

    /// <summary>Model state dictionary (parameters and persistent buffers by PyTorch-style name).</summary>
    public Dictionary<string, Tensor> Model { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Optimizer state, or null when none was saved.</summary>
    public OptimizerStateDict? Optimizer { get; init; }

    /// <summary>Learning-rate scheduler state, or null.</summary>
    public LrSchedulerState? Scheduler { get; init; }

    /// <summary>Random generator state (<see cref="Generator.GetState"/>), or null.</summary>
    public ulong[]? Generator { get; init; }

    /// <summary>Data loader position (<see cref="DataLoader.GetState"/>), or null.</summary>
    public DataLoaderState? DataLoader { get; init; }

    /// <summary>Completed epochs.</summary>
    public int Epoch { get; init; }

    /// <summary>Completed optimizer steps.</summary>
    public long Step { get; init; }

    /// <summary>Free-form extra metadata (e.g. the model name and command-line options).</summary>
    public Dictionary<string, string> Extra { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Takes deep copies of the current training state.</summary>
    public static Checkpoint Capture(Module model, Optimizer? optimizer = null, LrSchedulerState? scheduler = null,
        Generator? generator = null, DataLoader? loader = null, int epoch = 0, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        var m = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in model.StateDict()) m[k] = v.Detach().Contiguous().Clone();
        return new Checkpoint
        {
            Model = m,
            Optimizer = optimizer?.StateDict(),
            Scheduler = scheduler,
            Generator = generator?.GetState(),
            DataLoader = loader?.GetState(),
            Epoch = epoch,
            Step = step,
        };
    }

    /// <summary>
    /// Copies the saved state into live objects: model (strict), optimizer, generator and loader when both the
    /// object and the saved state are present. The scheduler state is returned in <see cref="Scheduler"/> for the
    /// caller to load (an <see cref="LrScheduler"/> and <see cref="ReduceLROnPlateau"/> differ in type).
    /// </summary>
    public void Restore(Module model, Optimizer? optimizer = null, Generator? generator = null, DataLoader? loader = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.LoadStateDict(Model, strict: true);
        if (optimizer is not null && Optimizer is not null) optimizer.LoadStateDict(Optimizer);
        if (generator is not null && Generator is not null) generator.SetState(Generator);
        if (loader is not null && DataLoader is { } d) loader.SetState(d);
    }

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (k, v) in Model) tensors.Add(new(ModelPrefix + k, v));
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
            ["step"] = Step.ToString(CultureInfo.InvariantCulture),
        };
        if (Optimizer is not null)
        {
            var (ot, om) = Optimizer.ToTensors();
            foreach (var (k, v) in ot) tensors.Add(new(OptimizerPrefix + k, v));
            foreach (var (k, v) in om) meta[OptimizerPrefix + k] = v;
        }
        if (Scheduler is not null) meta["scheduler"] = JsonSerializer.Serialize(Scheduler);
        if (Generator is not null) meta["generator"] = JsonSerializer.Serialize(Generator);
        if (DataLoader is { } d) meta["dataloader"] = JsonSerializer.Serialize(new[] { d.Seed, (ulong)d.Epoch, (ulong)d.Position });
        foreach (var (k, v) in Extra) meta["extra." + k] = v;
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        SafeTensors.Save(tensors, path, meta);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>.</summary>
    /// <exception cref="FormatException">When the file is not a Tessera checkpoint.</exception>
    public static Checkpoint Load(string path)
    {
        // Copied, not mapped: the tensors are copied into the model and optimizer anyway, and a resumed run overwrites
        // this very file, which a live mapping would block on Windows.
        var all = SafeTensors.Load(path, out var meta, mapped: false);
        if (!meta.TryGetValue("format", out var fmt) || fmt != FormatName)
            throw new FormatException($"'{path}' is not a Tessera training checkpoint (metadata format is '{fmt ?? "missing"}', expected '{FormatName}').");
        var model = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var optT = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in all)
        {
            if (k.StartsWith(ModelPrefix, StringComparison.Ordinal)) model[k[ModelPrefix.Length..]] = v;
            else if (k.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) optT[k[OptimizerPrefix.Length..]] = v;
            else throw new FormatException($"Unexpected tensor '{k}' in checkpoint '{path}'.");
        }
        var optM = meta.Where(kv => kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[OptimizerPrefix.Length..], kv => kv.Value, StringComparer.Ordinal);
        DataLoaderState? dl = null;
        if (meta.TryGetValue("dataloader", out var dj))
        {
            var a = JsonSerializer.Deserialize<ulong[]>(dj) ?? throw new FormatException("Bad 'dataloader' metadata.");
            dl = new DataLoaderState(a[0], checked((int)a[1]), checked((int)a[2]));
        }
        return new Checkpoint
        {
            Model = model,
            Optimizer = optM.Count > 0 ? OptimizerStateDict.FromTensors(optT, optM) : null,
            Scheduler = meta.TryGetValue("scheduler", out var sj) ? JsonSerializer.Deserialize<LrSchedulerState>(sj) : null,
            Generator = meta.TryGetValue("generator", out var gj) ? JsonSerializer.Deserialize<ulong[]>(gj) : null,
            DataLoader = dl,
            Epoch = int.Parse(meta["epoch"], CultureInfo.InvariantCulture),
            Step = long.Parse(meta["step"], CultureInfo.InvariantCulture),
            Extra = meta.Where(kv => kv.Key.StartsWith("extra.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["extra.".Length..], kv => kv.Value, StringComparer.Ordinal),
        };
    }
}
