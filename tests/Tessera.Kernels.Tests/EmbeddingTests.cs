using Tessera.Kernels.Embedding;

namespace Tessera.Kernels.Tests;

// One collection, so these classes never start parallel regions from two threads at once: ParallelRuntime at
// 0c66a79 can hang when that happens (a worker signalled twice runs only the newer job).
[Collection("Tessera.Kernels.Conv")]
public class EmbeddingTests
{
    private static long[] Indices(int count, int vocab, int seed)
    {
        var rng = new System.Random(seed);
        var idx = new long[count];
        for (int i = 0; i < count; i++) idx[i] = rng.Next(vocab);
        return idx;
    }

    [Theory]
    [InlineData(10, 3, 7)]
    [InlineData(50, 16, 200)]
    [InlineData(7, 200, 30)]    // wide rows: column-split backward
    [InlineData(1, 1, 5)]
    [InlineData(1000, 64, 3000)]
    [InlineData(5, 4, 0)]       // no indices
    public void ForwardAndBackwardMatchReference(int vocab, int dim, int count)
    {
        double[] table = ConvReference.Random(vocab * dim, 1), dy = ConvReference.Random(count * dim, 2);
        long[] idx = Indices(count, vocab, 3);
        float[] tablef = ConvReference.ToFloat(table), dyf = ConvReference.ToFloat(dy);

        var y = new float[count * dim];
        EmbeddingLookup.Forward(tablef, vocab, dim, idx, y);
        for (int i = 0; i < count; i++)
        for (int d = 0; d < dim; d++)
            Assert.Equal(tablef[idx[i] * dim + d], y[i * dim + d]);
        var yd = new double[count * dim];
        EmbeddingLookup.Forward(table, vocab, dim, idx, yd);
        for (int i = 0; i < count; i++)
        for (int d = 0; d < dim; d++)
            Assert.Equal(table[idx[i] * dim + d], yd[i * dim + d]);

        foreach (long? pad in new long?[] { null, idx.Length > 0 ? idx[0] : 0, -1 })
        {
            // Reference: plain scatter in index order, in float, so the bits must agree exactly.
            long padRow = pad is long p ? (p < 0 ? p + vocab : p) : -1;
            var want = new float[vocab * dim];
            var wantD = new double[vocab * dim];
            for (int i = 0; i < count; i++)
            {
                if (idx[i] == padRow) continue;
                for (int d = 0; d < dim; d++)
                {
                    want[idx[i] * dim + d] += dyf[i * dim + d];
                    wantD[idx[i] * dim + d] += dy[i * dim + d];
                }
            }
            var dw = new float[vocab * dim];
            dw.AsSpan().Fill(float.NaN);
            EmbeddingLookup.Backward(dyf, idx, vocab, dim, dw, pad);
            Assert.Equal(want, dw);
            var dwd = new double[vocab * dim];
            EmbeddingLookup.Backward(dy, idx, vocab, dim, dwd, pad);
            Assert.Equal(wantD, dwd);
            if (padRow >= 0)
                for (int d = 0; d < dim; d++) Assert.Equal(0f, dw[padRow * dim + d]);
        }
    }

    [Fact]
    public void OutOfRangeIndexIsRejectedWithItsValueAndVocabulary()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            EmbeddingLookup.Forward(new float[10 * 2], 10, 2, [1, 9, 12, 3], new float[8]));
        Assert.Contains("index 12", ex.Message);
        Assert.Contains("vocabulary size 10", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            EmbeddingLookup.Forward(new float[10 * 2], 10, 2, [-1], new float[2]));
        Assert.Contains("index -1", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            EmbeddingLookup.Backward(new float[2], [10], 10, 2, new float[20]));
        Assert.Contains("index 10", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            EmbeddingLookup.Backward(new float[2], [1], 10, 2, new float[20], paddingIndex: 10));
        Assert.Contains("padding index 10", ex.Message);
        var ae = Assert.Throws<ArgumentException>(() =>
            EmbeddingLookup.Forward(new float[10 * 2], 10, 2, [1, 2], new float[3]));
        Assert.Contains("output has 3 elements, expected 2x2", ae.Message);
    }
}
