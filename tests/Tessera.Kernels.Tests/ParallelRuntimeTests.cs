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
    public void ConcurrentCallersFromManyThreadsAllComplete()
    {
        // Regression: two top-level callers used to overwrite each other's job and hang.
        var sums = new long[8];
        var threads = Enumerable.Range(0, sums.Length).Select(t => new Thread(() =>
        {
            for (int rep = 0; rep < 200; rep++)
            {
                var part = new long[16];
                ParallelRuntime.ForChunks(16, c => part[c] = c + 1);
                sums[t] += part.Sum();
            }
        })).ToArray();
        foreach (var th in threads) th.Start();
        foreach (var th in threads) Assert.True(th.Join(TimeSpan.FromSeconds(60)), "a parallel caller hung");
        Assert.All(sums, s => Assert.Equal(200 * 136, s));
    }

    [Fact]
    public void ThreadCountRejectsZero()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ParallelRuntime.ThreadCount = 0);
        Assert.Equal($"ThreadCount must be at least 1. (Parameter 'value'){Environment.NewLine}Actual value was 0.", ex.Message);
    }
}
