using Tessera.Kernels.Threading;

namespace Tessera.Threading;

/// <summary>
/// The public face of the intra-op thread pool every kernel shares: how many threads it may use, and
/// a deterministic parallel loop for code outside this library (optimizers, data pipelines) that wants
/// the same pool instead of a second one.
/// </summary>
public static class Parallelism
{
    /// <summary>Threads (including the caller) that kernels may use. Default: logical cores.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When set below 1.</exception>
    public static int ThreadCount
    {
        get => ParallelRuntime.ThreadCount;
        set => ParallelRuntime.ThreadCount = value;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(chunkStart, chunkEnd) over [<paramref name="begin"/>, <paramref name="end"/>)
    /// in chunks of at least <paramref name="grain"/> items on up to <see cref="ThreadCount"/> threads. Chunk
    /// boundaries depend only on the arguments and <see cref="ThreadCount"/>, so per-chunk partial results combined
    /// in chunk order give the same bits on every run. A call from inside a loop body runs serially.
    /// </summary>
    /// <exception cref="ArgumentNullException">When <paramref name="body"/> is null.</exception>
    public static void For(long begin, long end, long grain, Action<long, long> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ParallelRuntime.For(begin, end, grain, body);
    }
}
