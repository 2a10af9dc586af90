namespace Tessera.Data;

/// <summary>
/// MNIST handwritten digits: 28×28 grey images, 60000 train and 10000 test. Images are (N, 1, 28, 28)
/// float32, by default normalised as (x/255 − 0.1307)/0.3081; labels are int64 in 0..9. No copy ships
/// with Tessera: pass a directory, set $TESSERA_DATA, or place the files in ~/.tessera/datasets/mnist.
/// </summary>
public sealed class Mnist : ImageClassificationDataset
{
    /// <summary>Mean of the training pixels scaled to [0, 1].</summary>
    public const float DefaultMean = 0.1307f;

    /// <summary>Standard deviation of the training pixels scaled to [0, 1].</summary>
    public const float DefaultStd = 0.3081f;

    /// <summary>Class names by label ("0".."9").</summary>
    public static IReadOnlyList<string> Classes { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>How the files are found.</summary>
    public static DatasetSpec Spec { get; } = new(
        "mnist",
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
        [],
        null);

    /// <summary>Loads the train (<paramref name="train"/> true) or test split.</summary>
    /// <param name="train">Training split when true, test split otherwise.</param>
    /// <param name="directory">Explicit directory holding the four IDX files; null to resolve.</param>
    /// <param name="normalize">Apply (x/255 − 0.1307)/0.3081; when false images are x/255.</param>
    /// <param name="resolver">How to find the files when <paramref name="directory"/> is null; default <see cref="DatasetResolver.Default"/>.</param>
    /// <exception cref="FileNotFoundException">When the files cannot be found.</exception>
    /// <exception cref="IdxFormatException">When a file is corrupt.</exception>
    public Mnist(bool train = true, string? directory = null, bool normalize = true, DatasetResolver? resolver = null)
        : base(Load("MNIST", Spec, train, directory, normalize, DefaultMean, DefaultStd, Classes, resolver))
    {
    }
}
