namespace Tessera.Data.Tests;

public class FashionMnistTests
{
    private static (double Mean, double Std) Stats(float[] v)
    {
        double s = 0, s2 = 0;
        foreach (float x in v) { s += x; s2 += (double)x * x; }
        double m = s / v.Length;
        return (m, Math.Sqrt(s2 / v.Length - m * m));
    }

    [Fact]
    public void LoadsTheShippedTrainSubset()
    {
        var ds = new FashionMnist(train: true, directory: TestPaths.Subset);
        Assert.Equal(10000, ds.Count);
        Assert.Equal([10000, 1, 28, 28], ds.Inputs.ShapeArray());
        Assert.Equal(DType.Float32, ds.Inputs.DType);
        Assert.Equal([10000], ds.Targets.ShapeArray());
        Assert.Equal(DType.Int64, ds.Targets.DType);
        var labels = ds.Targets.ToArray<long>();
        Assert.All(labels, l => Assert.InRange(l, 0, 9));
        Assert.Equal(new long[] { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 }, labels[..10]);
        // Per-class counts in the first 10000 are 942..1027.
        Assert.All(labels.GroupBy(l => l), g => Assert.InRange(g.Count(), 900, 1100));
        var (mean, std) = Stats(ds.Inputs.ToArray<float>());
        Assert.InRange(mean, -0.02, 0.02); // numpy on the same bytes: 0.00088
        Assert.InRange(std, 0.98, 1.02);   // numpy: 1.00288
        // Pixels 350..352 of image 0, from numpy: (x/255 - 0.2860)/0.3530.
        var flat = ds.Inputs.ToArray<float>();
        Assert.Equal(1.6560574f, flat[350], 5);
        Assert.Equal(1.6116203f, flat[352], 5);
        Assert.True(ds.Normalized);
        Assert.Equal(DataSourceKind.Explicit, ds.Source.Kind);
        Assert.Contains("Fashion-MNIST train split, 10000 examples", ds.Description);
    }

    [Fact]
    public void TestSplitAndUnnormalised()
    {
        var ds = new FashionMnist(train: false, directory: TestPaths.Subset, normalize: false);
        Assert.Equal(2000, ds.Count);
        Assert.False(ds.Train);
        var x = ds.Inputs.ToArray<float>();
        Assert.All(x, v => Assert.InRange(v, 0f, 1f));
        var (mean, std) = Stats(x);
        Assert.InRange(mean, 0.28702 - 1e-4, 0.28702 + 1e-4);
        Assert.InRange(std, 0.35204 - 1e-4, 0.35204 + 1e-4);
        Assert.Equal(new long[] { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 }, ds.Targets.ToArray<long>()[..10]);
    }

    [Fact]
    public void ClassNames()
    {
        Assert.Equal(10, FashionMnist.Classes.Count);
        Assert.Equal("T-shirt/top", FashionMnist.Classes[0]);
        Assert.Equal("Ankle boot", FashionMnist.Classes[9]);
        Assert.Equal("Sneaker", FashionMnist.Classes[7]);
    }

    [Fact]
    public void FeedsADataLoader()
    {
        var ds = new FashionMnist(train: false, directory: TestPaths.Subset);
        var loader = new DataLoader(ds, batchSize: 256, shuffle: true, seed: 1);
        var batches = loader.ToList();
        Assert.Equal(8, batches.Count);
        Assert.Equal([256, 1, 28, 28], batches[0].Input.ShapeArray());
        Assert.Equal([2000 - 7 * 256, 1, 28, 28], batches[7].Input.ShapeArray());
        // The gathered rows are the dataset's rows.
        int first = loader.EpochOrder(0)[0];
        Assert.Equal(ds.Get(first).Input.ToArray<float>(), batches[0].Input.Select(0, 0).ToArray<float>());
    }

    [Fact]
    public void MnistLoadsIdxFilesWrittenHere()
    {
        using var dir = new TempDir();
        var img = new byte[3 * 28 * 28];
        for (int i = 0; i < img.Length; i++) img[i] = (byte)(i % 256);
        Idx.Write(dir.File("train-images-idx3-ubyte.gz"), new IdxData(IdxDataType.UByte, [3, 28, 28], img));
        Idx.Write(dir.File("train-labels-idx1-ubyte"), new IdxData(IdxDataType.UByte, [3], new byte[] { 7, 0, 9 }));
        Idx.Write(dir.File("t10k-images-idx3-ubyte"), new IdxData(IdxDataType.UByte, [1, 28, 28], new byte[784]));
        Idx.Write(dir.File("t10k-labels-idx1-ubyte"), new IdxData(IdxDataType.UByte, [1], new byte[] { 1 }));
        var ds = new Mnist(directory: dir.Path);
        Assert.Equal(new long[] { 7, 0, 9 }, ds.Targets.ToArray<long>());
        Assert.Equal((255 / 255f - 0.1307f) / 0.3081f, ds.Inputs.ToArray<float>()[255]);
        Assert.Equal((0 / 255f - 0.1307f) / 0.3081f, ds.Inputs.ToArray<float>()[256]);
    }

    [Fact]
    public void BadLabelsAndMismatchedCountsAreReported()
    {
        using var dir = new TempDir();
        Idx.Write(dir.File("train-images-idx3-ubyte"), new IdxData(IdxDataType.UByte, [2, 28, 28], new byte[2 * 784]));
        Idx.Write(dir.File("train-labels-idx1-ubyte"), new IdxData(IdxDataType.UByte, [2], new byte[] { 3, 12 }));
        Idx.Write(dir.File("t10k-images-idx3-ubyte"), new IdxData(IdxDataType.UByte, [1, 28, 28], new byte[784]));
        Idx.Write(dir.File("t10k-labels-idx1-ubyte"), new IdxData(IdxDataType.UByte, [2], new byte[] { 1, 1 }));
        var e = Assert.Throws<IdxFormatException>(() => new FashionMnist(train: true, directory: dir.Path));
        Assert.Contains("label 12 at index 1", e.Message);
        e = Assert.Throws<IdxFormatException>(() => new FashionMnist(train: false, directory: dir.Path));
        Assert.Contains("has 2 labels but", e.Message);
    }
}
