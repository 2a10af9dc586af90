using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Gemm;

/// <summary>The blocked double-precision GEMM behind <see cref="Dgemm"/>.</summary>
internal static unsafe class DgemmBlocked
{
    /// <summary>K block: a 4-row A strip (4·KC·8 B) stays in L1, C is re-read once per block.</summary>
    private const int KC = 256;

    /// <summary>N block: packed B is KC·NC·8 B = 512 KiB, half of L2.</summary>
    private const int NC = 256;

    /// <summary>Rows per register tile.</summary>
    private const int MR = 4;

    /// <summary>Columns per register tile (two 4-lane vectors).</summary>
    private const int NR = 8;

    /// <summary>C = beta·C, C not read when beta is 0.</summary>
    public static void ScaleC(int m, int n, double beta, double* c, nint ldc)
    {
        if (beta == 1) return;
        for (int i = 0; i < m; i++)
        {
            var row = new Span<double>(c + i * ldc, n);
            if (beta == 0) row.Clear();
            else for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }

    /// <summary>Computes the product (k ≥ 1, alpha ≠ 0, m, n ≥ 1).</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, double alpha,
        double* a, nint lda, double* b, nint ldb, double beta, double* c, nint ldc)
    {
        // Packed B block, row-major (kc, nc), in the calling thread's workspace; workers only read it.
        int kcMax = Math.Min(k, KC), ncMax = Math.Min(n, NC);
        double* pb = (double*)GemmWorkspace.Current.B((nuint)(kcMax * ncMax * sizeof(double)));
        var job = new Job { TransA = transA, M = m, Alpha = alpha, A = a, Lda = lda, C = c, Ldc = ldc, B = pb };
        Action<long, long> body = job.RowGroups;
        // Chunks of whole 4-row groups with at least ~64K multiply-adds each.
        long groups = (m + MR - 1) / MR;
        long grain = Math.Max(1, 65536 / ((long)MR * kcMax * ncMax));
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                PackB(transB, b, ldb, pc, kc, jc, nc, pb);
                job.Pc = pc; job.Kc = kc; job.Jc = jc; job.Nc = nc;
                job.Beta = pc == 0 ? beta : 1;
                ParallelRuntime.For(0, groups, grain, body);
            }
        }
    }

    /// <summary>dst[p·nc + j] = op(B)[p0 + p, j0 + j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void PackB(bool transB, double* b, nint ldb, int p0, int kc, int j0, int nc, double* dst)
    {
        for (int p = 0; p < kc; p++, dst += nc)
        {
            if (!transB)
                new ReadOnlySpan<double>(b + (p0 + p) * ldb + j0, nc).CopyTo(new Span<double>(dst, nc));
            else
                for (int j = 0; j < nc; j++) dst[j] = b[(j0 + j) * ldb + p0 + p];
        }
    }

    /// <summary>Shared state of one (K block, N block) step, handed to the row loop.</summary>
    private sealed class Job
    {
        public bool TransA;
        public int M, Pc, Kc, Jc, Nc;
        public double Alpha, Beta;
        public double* A, B, C;
        public nint Lda, Ldc;

        /// <summary>Row groups [g0, g1) (rows 4·g0 .. 4·g1) of C for the current block.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
        public void RowGroups(long g0, long g1)
        {
            int i = (int)g0 * MR, end = (int)Math.Min(M, g1 * MR);
            for (; i + MR <= end; i += MR) Strip(i, MR);
            for (; i < end; i++) Strip(i, 1);
        }

        private void Strip(int i, int rows)
        {
            // A(i + r, Pc + p) = a0[r·rowStep + p·pStep].
            double* a0 = TransA ? A + Pc * Lda + i : A + i * Lda + Pc;
            nint rowStep = TransA ? 1 : Lda, pStep = TransA ? Lda : 1;
            double* cRow = C + i * Ldc + Jc;
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; j + NR <= Nc; j += NR)
                {
                    if (rows == MR) Tile4x8(a0, rowStep, pStep, B + j, cRow + j);
                    else Tile1x8(a0, pStep, B + j, cRow + j);
                }
            for (; j < Nc; j++)
                for (int r = 0; r < rows; r++)
                {
                    double acc = 0;
                    double* ap = a0 + r * rowStep;
                    for (int p = 0; p < Kc; p++, ap += pStep) acc = Math.FusedMultiplyAdd(*ap, B[p * Nc + j], acc);
                    Store(cRow + r * Ldc + j, acc);
                }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Tile4x8(double* a, nint rowStep, nint pStep, double* b, double* c)
        {
            Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector256<double> c20 = default, c21 = default, c30 = default, c31 = default;
            nint r1 = rowStep, r2 = 2 * rowStep, r3 = 3 * rowStep;
            for (int p = 0; p < Kc; p++, a += pStep, b += Nc)
            {
                Vector256<double> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 4), t;
                t = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(b0, t, c00); c01 = Vector256.FusedMultiplyAdd(b1, t, c01);
                t = Vector256.Create(a[r1]); c10 = Vector256.FusedMultiplyAdd(b0, t, c10); c11 = Vector256.FusedMultiplyAdd(b1, t, c11);
                t = Vector256.Create(a[r2]); c20 = Vector256.FusedMultiplyAdd(b0, t, c20); c21 = Vector256.FusedMultiplyAdd(b1, t, c21);
                t = Vector256.Create(a[r3]); c30 = Vector256.FusedMultiplyAdd(b0, t, c30); c31 = Vector256.FusedMultiplyAdd(b1, t, c31);
            }
            Store(c, c00); Store(c + 4, c01);
            Store(c + Ldc, c10); Store(c + Ldc + 4, c11);
            Store(c + 2 * Ldc, c20); Store(c + 2 * Ldc + 4, c21);
            Store(c + 3 * Ldc, c30); Store(c + 3 * Ldc + 4, c31);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Tile1x8(double* a, nint pStep, double* b, double* c)
        {
            Vector256<double> c0 = default, c1 = default;
            for (int p = 0; p < Kc; p++, a += pStep, b += Nc)
            {
                var t = Vector256.Create(*a);
                c0 = Vector256.FusedMultiplyAdd(Vector256.Load(b), t, c0);
                c1 = Vector256.FusedMultiplyAdd(Vector256.Load(b + 4), t, c1);
            }
            Store(c, c0);
            Store(c + 4, c1);
        }

        /// <summary>c = fma(acc, alpha, beta·c), or alpha·acc without reading c when beta is 0 (same rounding as the scalar store).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(double* c, Vector256<double> acc)
        {
            Vector256<double> r = Beta == 0
                ? acc * Alpha
                : Vector256.FusedMultiplyAdd(acc, Vector256.Create(Alpha), Vector256.Create(Beta) * Vector256.Load(c));
            Vector256.Store(r, c);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(double* c, double acc) =>
            *c = Beta == 0 ? acc * Alpha : Math.FusedMultiplyAdd(acc, Alpha, Beta * *c);
    }
}
