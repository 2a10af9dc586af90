using Tessera.Training.TensorBoard;

namespace Tessera.Training.Tests.TensorBoard;

public sealed class HistogramBuilderTests
{
    [Fact]
    public void DefaultEdgesAreSymmetricExponentialAroundZero()
    {
        var e = HistogramBuilder.DefaultEdges;
        Assert.Equal(1549, e.Length);
        Assert.Equal(0.0, e[774]);
        Assert.Equal(1e-12, e[775]);
        Assert.Equal(1.1e-12, e[776], 1e-26);
        Assert.True(e[^1] < 1e20 && e[^1] * 1.1 >= 1e20);
        for (int i = 0; i < 774; i++) Assert.Equal(-e[^(i + 1)], e[i]);
        for (int i = 1; i < e.Length; i++) Assert.True(e[i] > e[i - 1]);
    }

    [Fact]
    public void CountsByBruteForceAndTrimsToTheSupport()
    {
        double[] values = [0.5, 0.5, -3.0, 2.0, 0.0, 1e-12];
        var h = HistogramBuilder.Build(values);
        var edges = HistogramBuilder.DefaultEdges;

        // Bucket of v: the last edge <= v (the right-closed last bucket does not matter here).
        int BucketOf(double v)
        {
            int b = -1;
            for (int i = 0; i < edges.Length - 1; i++) if (edges[i] <= v) b = i;
            return b;
        }
        int first = values.Min(BucketOf), last = values.Max(BucketOf);
        Assert.Equal(last - first + 2, h.Bucket.Count);
        Assert.Equal(h.Bucket.Count, h.BucketLimit.Count);
        Assert.Equal(edges[first], h.BucketLimit[0]);        // the empty bucket ending where the data starts
        Assert.Equal(0.0, h.Bucket[0]);
        Assert.Equal(edges[last + 1], h.BucketLimit[^1]);
        for (int b = first; b <= last; b++)
            Assert.Equal(values.Count(v => BucketOf(v) == b), h.Bucket[b - first + 1]);
        Assert.Equal(values.Length, h.Bucket.Sum());
        Assert.Equal((-3.0, 2.0, 6.0), (h.Min, h.Max, h.Num));
        Assert.Equal(values.Sum(), h.Sum, 1e-12);
        Assert.Equal(values.Sum(v => v * v), h.SumSquares, 1e-12);
    }

    [Fact]
    public void RejectsEmptyNaNAndAllOutOfRange()
    {
        Assert.Contains("at least one value", Assert.Throws<ArgumentException>(() => HistogramBuilder.Build([])).Message);
        Assert.Contains("value 1 is NaN", Assert.Throws<ArgumentException>(() => HistogramBuilder.Build([1.0, double.NaN])).Message);
        Assert.Contains("value 0 is -Infinity", Assert.Throws<ArgumentException>(() => HistogramBuilder.Build([double.NegativeInfinity])).Message);
        Assert.Contains("beyond the outermost bucket edges", Assert.Throws<ArgumentException>(() => HistogramBuilder.Build([1e21, -1e22])).Message);
    }
}
