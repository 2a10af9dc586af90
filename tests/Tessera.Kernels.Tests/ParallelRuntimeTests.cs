using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Tests;

public class ParallelRuntimeTests
{
    [Fact]
    public void ForCoversRangeExactlyOnce()
    {
        var hits = new int[1001];
        ParallelRuntime.For(0, hits.Length, 7, (s, e) => { for (long i = s; i < e; i++) Interlocked.Increment(ref hits[i]); });
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void ChunkRangesTileTheRange()
    {
        long next = 10;
        for (int c = 0; c < 3; c++)
        {
            var (s, e) = ParallelRuntime.ChunkRange(10, 11, 3, c);
            Assert.Equal(next, s);
            next = e;
        }
        Assert.Equal(21, next);
    }

    [Fact]
    public void ExceptionsPropagate()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            ParallelRuntime.ForChunks(8, c => { if (c == 5) throw new InvalidOperationException("chunk 5"); }));
        Assert.Equal("chunk 5", ex.Message);
    }

    [Fact]
    public void ThreadCountRejectsZero()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ParallelRuntime.ThreadCount = 0);
        Assert.Contains("0", ex.Message);
    }
}
