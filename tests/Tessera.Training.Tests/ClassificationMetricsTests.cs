using Tessera.Training;

namespace Tessera.Training.Tests;

public class ClassificationMetricsTests
{
    [Fact]
    public void HandExample()
    {
        // truth:     0 0 0 1 1 2
        // predicted: 0 0 1 1 2 2
        long[] truth = [0, 0, 0, 1, 1, 2];
        long[] pred = [0, 0, 1, 1, 2, 2];
        var m = new ClassificationMetrics(3, truth, pred);
        Assert.Equal(new long[,] { { 2, 1, 0 }, { 0, 1, 1 }, { 0, 0, 1 } }, m.Confusion);
        Assert.Equal(4.0 / 6, m.Accuracy, 12);
        Assert.Equal(1.0, m.Precision(0), 12);
        Assert.Equal(2.0 / 3, m.Recall(0), 12);
        Assert.Equal(0.8, m.F1(0), 12);
        Assert.Equal(0.5, m.Precision(1), 12);
        Assert.Equal(0.5, m.Recall(1), 12);
        Assert.Equal(0.5, m.F1(1), 12);
        Assert.Equal(0.5, m.Precision(2), 12);
        Assert.Equal(1.0, m.Recall(2), 12);
        Assert.Equal(2.0 / 3, m.F1(2), 12);
        Assert.Equal((0.8 + 0.5 + 2.0 / 3) / 3, m.MacroF1, 12);
        Assert.Equal(3, m.Support(0));
    }

    [Fact]
    public void NeverPredictedClassHasZeroPrecisionAndF1()
    {
        var m = new ClassificationMetrics(2, [0, 1], [0, 0]);
        Assert.Equal(0, m.Precision(1));
        Assert.Equal(0, m.Recall(1));
        Assert.Equal(0, m.F1(1));
    }

    [Fact]
    public void RejectsOutOfRangeLabels()
    {
        Assert.Equal("label pair (2, 0) at 1 is outside 0..1. (Parameter 'truth')",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ClassificationMetrics(2, [0, 2], [0, 0])).Message);
    }
}
