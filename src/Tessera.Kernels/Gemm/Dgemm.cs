using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// Double-precision general matrix multiply, row-major:
/// <c>C = alpha · op(A) · op(B) + beta · C</c>, op(X) = X or Xᵀ, with the same layout and
/// semantics as <see cref="Sgemm.Compute"/> (beta 0 never reads C; k 0 or alpha 0 never reads A, B).
/// </summary>
/// <remarks>
/// Built for exactness checks (Float64 gradient checks) more than speed: B is packed per
/// (K, N) block with any transpose folded in, A is read in place, and a 4×8 vector register tile
/// accumulates each C element as one FMA chain per K block. Rows of C are spread over
/// <see cref="ParallelRuntime"/> threads; the bits do not depend on the thread count.
/// </remarks>
internal static class Dgemm
{
    /// <summary>Computes C = alpha·op(A)·op(B) + beta·C. See the type remarks for the layout.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or a leading dimension is too small.</exception>
    /// <exception cref="ArgumentException">A span is too short for the described matrix.</exception>
    public static unsafe void Compute(bool transA, bool transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        GemmChecks.Shape(m, n, k);
        GemmChecks.Matrix(nameof(a), a.Length, transA, m, k, lda, nameof(lda), 1, 0);
        GemmChecks.Matrix(nameof(b), b.Length, transB, k, n, ldb, nameof(ldb), 1, 0);
        GemmChecks.Matrix(nameof(c), c.Length, false, m, n, ldc, nameof(ldc), 1, 0);
        if (m == 0 || n == 0) return;
        fixed (double* pa = a, pb = b, pc = c)
        {
            if (k == 0 || alpha == 0)
            {
                DgemmBlocked.ScaleC(m, n, beta, pc, ldc);
                return;
            }
            DgemmBlocked.Run(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }
}
