using Tessera.Data;
using Tessera.IO;
using Tessera.Training;

namespace Tessera.Cli.Tests;

/// <summary>
/// The files the bad-input table refers to, made once in a temporary folder: good and broken Fashion-MNIST test splits,
/// good and broken safetensors weights, good and broken run folders. Rows name them as <c>{key}</c>.
/// </summary>
public sealed class BadInputFiles : IDisposable
{
    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);

    /// <summary>Makes every file.</summary>
    public BadInputFiles()
    {
        Root = Directory.CreateTempSubdirectory("tessera-badinput-").FullName;
        string subset = FindSubset();
        string testImages = Path.Combine(subset, "t10k-images-idx3-ubyte.gz"), testLabels = Path.Combine(subset, "t10k-labels-idx1-ubyte.gz");

        // Data folders. Only the test split: eval and predict must not need the training files.
        Dir("data", (testImages, null), (testLabels, null));
        var images = Idx.Read(testImages);
        string truncated = Dir("data-truncated", (testLabels, null));
        Idx.Write(Path.Combine(truncated, "t10k-images-idx3-ubyte"), images);
        using (var f = new FileStream(Path.Combine(truncated, "t10k-images-idx3-ubyte"), FileMode.Open)) f.SetLength(f.Length - 1000);
        string badMagic = Dir("data-bad-magic", (testImages, null));
        File.WriteAllText(Path.Combine(badMagic, "t10k-labels-idx1-ubyte"), "this is not an IDX file");
        string badLabel = Dir("data-bad-label", (testImages, null));
        var labels = new byte[images.Shape[0]];
        labels[7] = 12;
        Idx.Write(Path.Combine(badLabel, "t10k-labels-idx1-ubyte"), new IdxData(IdxDataType.UByte, [labels.Length], labels));
        string badGzip = Dir("data-bad-gzip", (testLabels, null));
        File.WriteAllBytes(Path.Combine(badGzip, "t10k-images-idx3-ubyte.gz"), [0x1F, 0x8B, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        Dir("data-no-labels", (testImages, null));
        string headerOnly = Dir("data-short-header", (testLabels, null));
        File.WriteAllBytes(Path.Combine(headerOnly, "t10k-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0]);
        // Training files for `bench mlp`: the images are cut short.
        string train = Dir("data-train-truncated", (testImages, null), (testLabels, null));
        Idx.Write(Path.Combine(train, "train-labels-idx1-ubyte"), new IdxData(IdxDataType.UByte, [2], new byte[] { 1, 2 }));
        Idx.Write(Path.Combine(train, "train-images-idx3-ubyte"), new IdxData(IdxDataType.UByte, [2, 28, 28], new byte[2 * 784]));
        using (var f = new FileStream(Path.Combine(train, "train-images-idx3-ubyte"), FileMode.Open)) f.SetLength(100);
        _paths["missing"] = Path.Combine(Root, "no-such-folder");

        // Weights.
        string weights = Dir("weights");
        string mlp = File_("mlp", Path.Combine(weights, "mlp.safetensors"));
        SafeTensors.Save(ModelFactory.CreateClassifier("mlp", new Generator(1)).StateDict(), mlp);
        SafeTensors.Save(ModelFactory.CreateClassifier("lenet", new Generator(1)).StateDict(), File_("lenet", Path.Combine(weights, "lenet.safetensors")));
        File.WriteAllText(File_("garbage", Path.Combine(weights, "garbage.safetensors")), "garbage, not a safetensors file");
        var bytes = File.ReadAllBytes(mlp);
        File.WriteAllBytes(File_("truncated", Path.Combine(weights, "truncated.safetensors")), bytes[..^100]);
        Single("u32", SafeTensorsDType.U32, [2, 2], new byte[16]);
        Single("f8", SafeTensorsDType.F8E4M3, [4], new byte[4]);
        Single("huge", SafeTensorsDType.F32, [1L << 31, 0], []);
        _paths["weights-dir"] = weights;
        _paths["weights-missing"] = Path.Combine(weights, "missing.safetensors");

        // Run folders for `plot`.
        Run("run-a", "epoch,step,train_loss,train_acc,test_acc,lr,samples_per_s\n1,10,2.0,0.3,0.35,0.1,1000\n2,20,1.5,0.5,0.52,0.1,1000\n3,30,1.1,0.6,0.61,0.1,1000\n");
        Run("run-b", "epoch,step,train_loss,train_acc,test_acc,lr,samples_per_s\n1,10,2.2,0.2,0.25,0.01,900\n2,20,2.0,0.3,0.31,0.01,900\n");
        Run("run-bad-cell", "epoch,step,train_loss\n1,10,2.0\n2,20,abc\n");
        Run("run-empty", "");
        Dir("run-no-csv");
        _paths["out-png"] = Path.Combine(Root, "out.png");
    }

    /// <summary>The temporary folder.</summary>
    public string Root { get; }

    /// <summary>Replaces every <c>{key}</c> in <paramref name="arg"/> with its path.</summary>
    public string Expand(string arg)
    {
        foreach (var (k, v) in _paths) arg = arg.Replace("{" + k + "}", v, StringComparison.Ordinal);
        if (arg.Contains('{', StringComparison.Ordinal)) throw new ArgumentException($"unknown placeholder in '{arg}'");
        return arg;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    private string Dir(string key, params (string Source, string? Name)[] copies)
    {
        string dir = Path.Combine(Root, key);
        Directory.CreateDirectory(dir);
        foreach (var (source, name) in copies) File.Copy(source, Path.Combine(dir, name ?? Path.GetFileName(source)));
        _paths[key] = dir;
        return dir;
    }

    private string File_(string key, string path) => _paths[key] = path;

    private void Single(string key, SafeTensorsDType dtype, long[] shape, byte[] data)
    {
        var writer = new SafeTensorsWriter();
        writer.Add("fc1.weight", dtype, shape, data);
        writer.Save(File_(key, Path.Combine(Root, "weights", key + ".safetensors")));
    }

    private void Run(string key, string csv) => File.WriteAllText(Path.Combine(Dir(key), "metrics.csv"), csv);

    internal static string FindSubset()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "data", "fashion-mnist-subset");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("data/fashion-mnist-subset not found above " + AppContext.BaseDirectory);
    }
}
