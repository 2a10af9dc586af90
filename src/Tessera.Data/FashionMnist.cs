namespace Tessera.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence): 28×28 grey images of 10 kinds of clothing, 60000 train
/// and 10000 test. Images are (N, 1, 28, 28) float32, by default normalised as (x/255 − 0.2860)/0.3530;
/// labels are int64 in 0..9. Found by <see cref="DatasetResolver"/>, falling back to /usr/share/datasets/fashion-mnist
/// and finally to the small subset shipped in data/fashion-mnist-subset (see <see cref="ImageClassificationDataset.Source"/>).
/// </summary>
public sealed class FashionMnist : ImageClassificationDataset
{
    /// <summary>Mean of the training pixels scaled to [0, 1].</summary>
    public const float DefaultMean = 0.2860f;

    /// <summary>Standard deviation of the training pixels scaled to [0, 1].</summary>
    public const float DefaultStd = 0.3530f;

    /// <summary>Class names by label.</summary>
    public static IReadOnlyList<string> Classes { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>How the files are found.</summary>
    public static DatasetSpec Spec { get; } = new(
        "fashion-mnist",
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
        ["/usr/share/datasets/fashion-mnist"],
        "fashion-mnist-subset",
        // SHA-256 of the decompressed IDX payloads, not of the .gz files: the only copies at hand (Debian's
        // /usr/share/datasets/fashion-mnist) were recompressed (their .gz MD5s differ from the ones upstream
        // publishes), so the .gz hashes are unknown offline, while the payload is what matters and does not
        // depend on how a mirror compresses it. HttpDatasetDownloader fetches "<name>.gz" and stores it decompressed.
        new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte"] = "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            ["train-labels-idx1-ubyte"] = "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            ["t10k-images-idx3-ubyte"] = "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            ["t10k-labels-idx1-ubyte"] = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        },
        ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]);

    /// <summary>Loads the train (<paramref name="train"/> true) or test split.</summary>
    /// <param name="train">Training split when true, test split otherwise.</param>
    /// <param name="directory">Explicit directory holding the four IDX files; null to resolve.</param>
    /// <param name="normalize">Apply (x/255 − 0.2860)/0.3530; when false images are x/255.</param>
    /// <param name="resolver">How to find the files when <paramref name="directory"/> is null; default <see cref="DatasetResolver.Default"/>.</param>
    /// <exception cref="FileNotFoundException">When the files cannot be found.</exception>
    /// <exception cref="IdxFormatException">When a file is corrupt.</exception>
    public FashionMnist(bool train = true, string? directory = null, bool normalize = true, DatasetResolver? resolver = null)
        : base(Load("Fashion-MNIST", Spec, train, directory, normalize, DefaultMean, DefaultStd, Classes, resolver))
    {
    }
}
