using Tessera.Kernels.Threading;

namespace Tessera.Threading;

/// <summary>
/// Tessera's intra-op thread pool for element-wise code written outside the library (optimizers, datasets,
/// custom kernels over <see cref="Tensor.AsSpan{T}"/>), so it shares the threads Tessera's own ops use instead of
/// oversubscribing the machine.
/// </summary>
public static class IntraOp
{
    /// <summary>Number of threads (including the caller) a parallel loop may use.</summary>
    public static int ThreadCount => ParallelRuntime.ThreadCount;

    /// <summary>
    /// Runs <paramref name="body"/>(chunkStart, chunkEnd) over [<paramref name="begin"/>, <paramref name="end"/>) in
    /// chunks of at least <paramref name="grain"/> elements. The chunks depend only on the range, the grain and
    /// <see cref="ThreadCount"/>, so a body that reduces per chunk gives the same bits on every run. A call from
    /// inside another parallel body runs serially on the calling thread.
    /// </summary>
    public static void For(long begin, long end, long grain, Action<long, long> body) => ParallelRuntime.For(begin, end, grain, body);
}
