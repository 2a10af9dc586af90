using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// Chooses the path for a validated problem (scale-only, direct small loop, packed) and splits
/// packed work over threads.
/// </summary>
/// <remarks>
/// Threads get disjoint rectangles of C on a tm × tn grid cut at micro-tile boundaries; each packs
/// its own slices of A and B, so there is no barrier inside a product. The grid only moves work
/// between threads: it does not change any element's arithmetic (see <see cref="SgemmPacked"/>).
/// </remarks>
internal static unsafe class SgemmDispatch
{
    /// <summary>Test hook: send even tiny products through the packed path (to exercise its edge handling).</summary>
    internal static bool ForcePacked { get; set; }

    /// <summary>Computes one product, threading it when <paramref name="parallel"/> and it is large enough.</summary>
    public static void Run(in SgemmProblem p, bool parallel)
    {
        if (p.M == 0 || p.N == 0) return;
        if (p.K == 0 || p.Alpha == 0f)
        {
            ScaleC(p);
            return;
        }
        if (!ForcePacked && (p.Work < GemmBlocking.SmallWork || SgemmSmall.HandlesSkinny(p)))
        {
            RunSmall(p, parallel);
            return;
        }
        SgemmMicroKernel kernel = SgemmMicroKernel.Select(p.M);
        int threads = parallel ? ThreadsFor(p.Work) : 1;
        if (threads == 1)
        {
            SgemmPacked.Run(p, kernel, 0, p.M, 0, p.N);
            return;
        }
        // Large products get a few cells per thread, handed out dynamically, so a thread that
        // shares its core with another process does not hold everyone up. Extra cells only cost
        // some repacking, which is negligible at that size.
        int cells = threads * (int)Math.Clamp(p.Work / GemmBlocking.WorkPerCell, 1, GemmBlocking.MaxCellsPerThread);
        var job = new GridJob(p, kernel, cells);
        ParallelRuntime.ForChunks(job.Chunks, job.RunChunk);
    }

    /// <summary>The direct path, split over column strips of 16 when there is enough work.</summary>
    private static void RunSmall(in SgemmProblem p, bool parallel)
    {
        int strips = (p.N + 15) / 16;
        int threads = parallel && p.Work >= GemmBlocking.SkinnyParallelWork ? ThreadsFor(p.Work) : 1;
        if (threads == 1 || strips < 2)
        {
            SgemmSmall.Run(p, 0, p.N);
            return;
        }
        var job = new SmallJob(p, strips, Math.Min(threads, strips));
        ParallelRuntime.ForChunks(job.Chunks, job.RunChunk);
    }

    /// <summary>Computes a strided batch of products.</summary>
    public static void RunBatched(in SgemmProblem p, int batch, long strideA, long strideB, long strideC)
    {
        int threads = ThreadsFor(p.Work * batch);
        if (batch == 1 || threads == 1 || p.Work >= GemmBlocking.ParallelWork * threads)
        {
            // Each product is big enough to split on its own (or there is one thread): go in order.
            for (long i = 0; i < batch; i++) Run(p.At(i, strideA, strideB, strideC), parallel: true);
            return;
        }
        var job = new BatchJob(p, strideA, strideB, strideC);
        long grain = Math.Max(1, GemmBlocking.ParallelWork / Math.Max(1, p.Work));
        ParallelRuntime.For(0, batch, grain, job.RunRange);
    }

    /// <summary>Threads worth using for <paramref name="work"/> multiply-adds.</summary>
    private static int ThreadsFor(long work)
    {
        if (ParallelRuntime.InParallelRegion || work < GemmBlocking.ParallelWork) return 1;
        return (int)Math.Min(ParallelRuntime.ThreadCount, work / (GemmBlocking.ParallelWork / 2));
    }

    /// <summary>C = beta·C (C zeroed, not read, when beta is 0).</summary>
    private static void ScaleC(in SgemmProblem p)
    {
        if (p.Beta == 1f) return;
        for (int i = 0; i < p.M; i++)
        {
            var row = new Span<float>(p.C + i * p.Ldc, p.N);
            if (p.Beta == 0f) row.Clear();
            else for (int j = 0; j < row.Length; j++) row[j] *= p.Beta;
        }
    }

    /// <summary>One product split over a tm × tn grid of C rectangles (cells), taken by threads as they free up.</summary>
    private sealed class GridJob
    {
        private readonly SgemmProblem _p;
        private readonly SgemmMicroKernel _kernel;
        private readonly int _tm, _tn, _panelsM, _panelsN;

        public GridJob(in SgemmProblem p, SgemmMicroKernel kernel, int cells)
        {
            _p = p;
            _kernel = kernel;
            _panelsM = (p.M + kernel.MR - 1) / kernel.MR;
            _panelsN = (p.N + kernel.NR - 1) / kernel.NR;
            (_tm, _tn) = ChooseGrid(p, kernel, cells, _panelsM, _panelsN);
        }

        public int Chunks => _tm * _tn;

        public void RunChunk(int chunk)
        {
            (long pm0, long pm1) = ParallelRuntime.ChunkRange(0, _panelsM, _tm, chunk / _tn);
            (long pn0, long pn1) = ParallelRuntime.ChunkRange(0, _panelsN, _tn, chunk % _tn);
            int m0 = (int)pm0 * _kernel.MR, m1 = (int)Math.Min(_p.M, pm1 * _kernel.MR);
            int n0 = (int)pn0 * _kernel.NR, n1 = (int)Math.Min(_p.N, pn1 * _kernel.NR);
            if (m0 < m1 && n0 < n1) SgemmPacked.Run(_p, _kernel, m0, m1, n0, n1);
        }

        /// <summary>
        /// Picks the grid minimising a cell's estimated cycles: its padded multiply-adds at
        /// 16 per cycle, plus what it packs (measured on Zen 4: ~0.5 cycle per element for a
        /// transposing pack, ~0.3 for a straight copy; nothing for operands read in place).
        /// </summary>
        private static (int Tm, int Tn) ChooseGrid(in SgemmProblem p, SgemmMicroKernel kernel, int cells, int panelsM, int panelsN)
        {
            (int, int) best = (cells, 1);
            double bestCost = double.MaxValue;
            for (int tn = 1; tn <= cells; tn++)
            {
                if (cells % tn != 0) continue;
                int tm = cells / tn;
                if (tm > panelsM || tn > panelsN) continue;
                int rows = Math.Min(p.M, (panelsM + tm - 1) / tm * kernel.MR);
                int cols = Math.Min(p.N, (panelsN + tn - 1) / tn * kernel.NR);
                (bool directA, bool directB) = SgemmPacked.ReadInPlace(p, kernel, rows, cols);
                double cost = (double)rows * cols * p.K / 16;
                if (!directA) cost += (p.TransA ? 0.3 : 0.5) * rows * p.K;
                if (!directB) cost += (p.TransB ? 0.5 : 0.3) * cols * p.K * ((rows + GemmBlocking.MaxMC - 1) / GemmBlocking.MaxMC);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = (tm, tn);
                }
            }
            return best;
        }
    }

    /// <summary>The direct path over column strips of 16.</summary>
    private sealed class SmallJob(in SgemmProblem p, int strips, int chunks)
    {
        private readonly SgemmProblem _p = p;

        public int Chunks => chunks;

        public void RunChunk(int chunk)
        {
            (long s0, long s1) = ParallelRuntime.ChunkRange(0, strips, chunks, chunk);
            SgemmSmall.Run(_p, (int)s0 * 16, (int)Math.Min(_p.N, s1 * 16));
        }
    }

    /// <summary>Whole products spread over threads; each runs single-threaded.</summary>
    private sealed class BatchJob(in SgemmProblem p, long strideA, long strideB, long strideC)
    {
        private readonly SgemmProblem _p = p;

        public void RunRange(long begin, long end)
        {
            for (long i = begin; i < end; i++) Run(_p.At(i, strideA, strideB, strideC), parallel: false);
        }
    }
}
