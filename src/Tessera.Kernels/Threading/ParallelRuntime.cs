using System.Runtime.CompilerServices;

namespace Tessera.Kernels.Threading;

/// <summary>
/// The one home of intra-op parallelism: a small pool of persistent worker threads plus the
/// calling thread. Ranges are cut into a deterministic set of chunks (a function of the range,
/// the grain and <see cref="ThreadCount"/> only), so kernels that reduce per chunk and combine
/// partials in chunk order give the same bits on every run.
/// </summary>
/// <remarks>
/// Nested calls (a parallel body calling <see cref="For"/> again) run serially on the calling
/// thread, so the pool is never oversubscribed.
/// </remarks>
internal static class ParallelRuntime
{
    private static int _threadCount = Math.Max(1, Environment.ProcessorCount);
    private static Worker[] _workers = [];
    private static readonly object Gate = new();
    private static readonly object PoolLock = new();

    [ThreadStatic] private static bool _insideParallelRegion;

    /// <summary>Number of threads (including the caller) that parallel kernels may use. Default: logical cores.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When set below 1.</exception>
    public static int ThreadCount
    {
        get => _threadCount;
        set
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(nameof(value), value, "ThreadCount must be at least 1.");
            _threadCount = value;
        }
    }

    /// <summary>True while the current thread is executing the body of a parallel loop.</summary>
    public static bool InParallelRegion => _insideParallelRegion;

    /// <summary>
    /// Number of chunks a range of <paramref name="length"/> items is cut into for a grain of
    /// <paramref name="grain"/> items: at most <see cref="ThreadCount"/>, at least 1.
    /// </summary>
    public static int ChunkCount(long length, long grain)
    {
        if (length <= 0) return 0;
        grain = Math.Max(1, grain);
        long byGrain = (length + grain - 1) / grain;
        int threads = _insideParallelRegion ? 1 : _threadCount;
        return (int)Math.Max(1, Math.Min(byGrain, threads));
    }

    /// <summary>
    /// Runs <paramref name="body"/>(chunkStart, chunkEnd) over [begin, end), in chunks of at least
    /// <paramref name="grain"/> items, on up to <see cref="ThreadCount"/> threads.
    /// Chunk boundaries depend only on the arguments and <see cref="ThreadCount"/>.
    /// </summary>
    public static void For(long begin, long end, long grain, Action<long, long> body)
    {
        long length = end - begin;
        if (length <= 0) return;
        int chunks = ChunkCount(length, grain);
        if (chunks == 1)
        {
            RunInline(body, begin, end);
            return;
        }
        ForChunks(chunks, c =>
        {
            (long s, long e) = ChunkRange(begin, length, chunks, c);
            body(s, e);
        });
    }

    /// <summary>The [start, end) of chunk <paramref name="chunk"/> when [begin, begin+length) is cut into <paramref name="chunks"/> near-equal parts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (long Start, long End) ChunkRange(long begin, long length, int chunks, int chunk)
    {
        long q = length / chunks, r = length % chunks;
        long s = begin + chunk * q + Math.Min(chunk, r);
        long e = s + q + (chunk < r ? 1 : 0);
        return (s, e);
    }

    /// <summary>Runs <paramref name="body"/>(i) for every chunk index i in [0, chunks), spread over the pool.</summary>
    public static void ForChunks(int chunks, Action<int> body)
    {
        if (chunks <= 0) return;
        // The pool serves one parallel region at a time; a concurrent caller on another thread
        // (a server handling two requests, parallel test runners) runs its chunks inline instead.
        // Chunk boundaries do not change, so results are the same bits either way.
        if (chunks == 1 || _insideParallelRegion || _threadCount == 1 || !Monitor.TryEnter(PoolLock))
        {
            bool was = _insideParallelRegion;
            _insideParallelRegion = true;
            try { for (int i = 0; i < chunks; i++) body(i); }
            finally { _insideParallelRegion = was; }
            return;
        }
        Job job;
        try
        {
            int threads = Math.Min(chunks, _threadCount);
            Worker[] workers = EnsureWorkers(threads - 1);
            job = new Job(body, chunks);
            for (int w = 0; w < threads - 1; w++) workers[w].Start(job);
            _insideParallelRegion = true;
            try { job.RunChunks(); }
            finally { _insideParallelRegion = false; }
            job.WaitAll(threads - 1);
        }
        finally { Monitor.Exit(PoolLock); }
        if (job.Error is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
    }

    private static void RunInline(Action<long, long> body, long begin, long end)
    {
        bool was = _insideParallelRegion;
        _insideParallelRegion = true;
        try { body(begin, end); }
        finally { _insideParallelRegion = was; }
    }

    private static Worker[] EnsureWorkers(int count)
    {
        Worker[] workers = _workers;
        if (workers.Length >= count) return workers;
        lock (Gate)
        {
            if (_workers.Length >= count) return _workers;
            var grown = new Worker[count];
            Array.Copy(_workers, grown, _workers.Length);
            for (int i = _workers.Length; i < count; i++) grown[i] = new Worker(i);
            _workers = grown;
            return grown;
        }
    }

    private sealed class Job(Action<int> body, int chunks)
    {
        private int _next = -1;
        private int _finishedWorkers;
        public Exception? Error;

        public void RunChunks()
        {
            int c;
            while ((c = Interlocked.Increment(ref _next)) < chunks)
            {
                try { body(c); }
                catch (Exception e) { Interlocked.CompareExchange(ref Error, e, null); }
            }
        }

        public void WorkerDone() => Interlocked.Increment(ref _finishedWorkers);

        public void WaitAll(int workers)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _finishedWorkers) < workers) spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private sealed class Worker
    {
        // Polls before sleeping: first with pause instructions only (a new job is seen within
        // ~0.1 µs), then with yields to the OS, then it blocks. Kernels arrive back to back in
        // training loops, and a worker that starts late makes the whole op wait for its chunk.
        private static readonly long HotSpinTicks = System.Diagnostics.Stopwatch.Frequency / 20_000;   // 50 µs
        private const int YieldIterations = 2000;

        private readonly SemaphoreSlim _signal = new(0);
        private Job? _pending;
        private int _sleeping;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"tessera-worker-{index}" };
            thread.Start();
        }

        public void Start(Job job)
        {
            Volatile.Write(ref _pending, job);
            // Full fence between publishing the job and reading the sleep flag (paired with the
            // worker's Exchange below), so a worker about to block either sees the job or is woken.
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _sleeping) != 0) _signal.Release();
        }

        private Job? Take() => Interlocked.Exchange(ref _pending, null);

        private Job WaitForJob()
        {
            Job? job;
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            do
            {
                for (int i = 0; i < 64; i++)
                {
                    if (Volatile.Read(ref _pending) is not null && (job = Take()) is not null) return job;
                    Thread.SpinWait(1);
                }
            }
            while (System.Diagnostics.Stopwatch.GetTimestamp() - start < HotSpinTicks);
            var spin = new SpinWait();
            for (int i = 0; i < YieldIterations; i++)
            {
                if ((job = Take()) is not null) return job;
                spin.SpinOnce(sleep1Threshold: -1);
            }
            while (true)
            {
                Interlocked.Exchange(ref _sleeping, 1);
                if ((job = Take()) is not null)
                {
                    Volatile.Write(ref _sleeping, 0);
                    return job;
                }
                _signal.Wait();          // a Release from Start may also be stale: loop and look again
                Volatile.Write(ref _sleeping, 0);
                if ((job = Take()) is not null) return job;
            }
        }

        private void Loop()
        {
            _insideParallelRegion = true;
            while (true)
            {
                Job job = WaitForJob();
                job.RunChunks();
                job.WorkerDone();
            }
        }
    }
}
