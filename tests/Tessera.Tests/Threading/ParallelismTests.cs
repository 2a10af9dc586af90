using Tessera.Kernels.Threading;
using Tessera.Threading;

namespace Tessera.Tests.Threading;

public class ParallelismTests
{
    // ThreadCount is global: these tests only read it, so tests running in parallel keep their chunking.
    [Fact]
    public void ThreadCountIsTheKernelSetting() => Assert.Equal(ParallelRuntime.ThreadCount, Parallelism.ThreadCount);

    [Fact]
    public void ForVisitsEveryIndexOnceInChunksOfAtLeastTheGrain()
    {
        const int n = 100_003;
        var hits = new int[n];
        var sizes = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallelism.For(0, n, 4096, (s, e) =>
        {
            sizes.Add(e - s);
            for (long i = s; i < e; i++) Interlocked.Increment(ref hits[i]);
        });
        Assert.All(hits, h => Assert.Equal(1, h));
        Assert.Equal(n, sizes.Sum());
        if (sizes.Count > 1) Assert.All(sizes, s => Assert.True(s >= 4096, $"chunk of {s}"));
    }

    [Fact]
    public void ForRejectsANullBody()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => Parallelism.For(0, 10, 1, null!));
        Assert.Equal("body", ex.ParamName);
    }

    [Fact]
    public void ThreadCountBelowOneIsRejectedAndLeavesTheSettingAlone()
    {
        int before = Parallelism.ThreadCount;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.ThreadCount = 0);
        Assert.Equal(0, ex.ActualValue);
        Assert.Equal(before, Parallelism.ThreadCount);
    }
}
