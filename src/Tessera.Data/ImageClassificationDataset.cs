namespace Tessera.Data;

/// <summary>
/// An MNIST-style image classification split loaded from IDX files: float32 images (N, 1, H, W),
/// optionally normalised as (x/255 − mean)/std, and int64 labels (N).
/// </summary>
public abstract class ImageClassificationDataset : TensorDataset
{
    private protected ImageClassificationDataset(Loaded loaded)
        : base(loaded.Images, loaded.Labels)
    {
        Source = loaded.Source;
        Train = loaded.Train;
        Normalized = loaded.Normalized;
        Mean = loaded.Mean;
        Std = loaded.Std;
        ClassNames = loaded.ClassNames;
        DisplayName = loaded.DisplayName;
    }

    /// <summary>Where the files came from.</summary>
    public DataSource Source { get; }

    /// <summary>True for the training split, false for the test split.</summary>
    public bool Train { get; }

    /// <summary>Whether images were normalised with <see cref="Mean"/> and <see cref="Std"/> (otherwise they are x/255).</summary>
    public bool Normalized { get; }

    /// <summary>Mean of x/255 subtracted when normalising.</summary>
    public float Mean { get; }

    /// <summary>Standard deviation of x/255 divided by when normalising.</summary>
    public float Std { get; }

    /// <summary>Names of the classes, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Dataset name, e.g. "Fashion-MNIST".</summary>
    public string DisplayName { get; }

    /// <summary>A one-line description of what was loaded and from where, e.g. for the CLI.</summary>
    public string Description => $"{DisplayName} {(Train ? "train" : "test")} split, {Count} examples, from {Source.Description}";

    internal sealed record Loaded(Tensor Images, Tensor Labels, DataSource Source, bool Train, bool Normalized, float Mean, float Std,
        IReadOnlyList<string> ClassNames, string DisplayName);

    internal static Loaded Load(string displayName, DatasetSpec spec, bool train, string? directory, bool normalize, float mean, float std,
        IReadOnlyList<string> classNames, DatasetResolver? resolver)
    {
        string imagesName = train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte";
        string labelsName = train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte";
        // Only this split's files are needed: evaluating with a directory that holds just the test split works.
        var source = (resolver ?? DatasetResolver.Default).Resolve(spec, directory, [imagesName, labelsName]);
        string imagesPath = DatasetResolver.FindFile(source.Directory, imagesName)
            ?? throw new FileNotFoundException($"{imagesName}[.gz] is missing from {source.Directory}.");
        string labelsPath = DatasetResolver.FindFile(source.Directory, labelsName)
            ?? throw new FileNotFoundException($"{labelsName}[.gz] is missing from {source.Directory}.");

        var images = Idx.Read(imagesPath);
        if (images.Type != IdxDataType.UByte || images.Shape.Length != 3)
            throw new IdxFormatException(imagesPath, $"expected ubyte images (N, H, W), got {images.Type} with shape [{string.Join(", ", images.Shape)}]");
        var labels = Idx.Read(labelsPath);
        if (labels.Type != IdxDataType.UByte || labels.Shape.Length != 1)
            throw new IdxFormatException(labelsPath, $"expected ubyte labels (N), got {labels.Type} with shape [{string.Join(", ", labels.Shape)}]");
        int n = images.Shape[0], h = images.Shape[1], w = images.Shape[2];
        if (labels.Shape[0] != n)
            throw new IdxFormatException(labelsPath, $"has {labels.Shape[0]} labels but {imagesPath} has {n} images");

        var pixels = images.As<byte>();
        // A 256-entry table gives every pixel value exactly the same float as the formula would.
        Span<float> table = stackalloc float[256];
        for (int v = 0; v < 256; v++) table[v] = normalize ? (v / 255f - mean) / std : v / 255f;
        var x = Tensor.Empty([n, 1, h, w], DType.Float32);
        var xs = x.AsSpan<float>();
        for (int i = 0; i < pixels.Length; i++) xs[i] = table[pixels[i]];

        var labelBytes = labels.As<byte>();
        var y = Tensor.Empty([n], DType.Int64);
        var ys = y.AsSpan<long>();
        for (int i = 0; i < n; i++)
        {
            if (labelBytes[i] >= classNames.Count)
                throw new IdxFormatException(labelsPath, $"label {labelBytes[i]} at index {i} is outside 0..{classNames.Count - 1}");
            ys[i] = labelBytes[i];
        }
        return new Loaded(x, y, source, train, normalize, mean, std, classNames, displayName);
    }
}
