using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// Single-precision general matrix multiply, row-major:
/// <c>C = alpha · op(A) · op(B) + beta · C</c>, op(X) = X or Xᵀ.
/// op(A) is (m, k), op(B) is (k, n), C is (m, n). Leading dimensions are row strides in elements.
/// When beta is 0, C is not read (NaNs in C do not propagate). When k is 0 or alpha is 0, A and B
/// are not read and C = beta·C.
/// </summary>
/// <remarks>
/// Large products run a cache-blocked GEMM (BLIS-style loop nest, see <see cref="GemmBlocking"/>)
/// with a register-blocked FMA micro-kernel (AVX-512 12×32 / 8×32, AVX2 6×16, or portable
/// 128-bit 4×8). Operands are packed into aligned per-thread buffers with transposes folded into
/// the packing, except where a thread's block is skinny enough that reading them in place is
/// cheaper. Threads (via <see cref="ParallelRuntime"/>) take disjoint rectangles of C. Products
/// under 32K multiply-adds, and those with m ≤ 4, take a direct loop without packing.
/// Results are deterministic: each C element is accumulated in a fixed order that depends only
/// on the shape, so the bits do not change from run to run nor with
/// <see cref="ParallelRuntime.ThreadCount"/>. They can differ in the last bits from a naive loop.
/// </remarks>
internal static class Sgemm
{
    /// <summary>Computes C = alpha·op(A)·op(B) + beta·C. See the type remarks for the layout.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or a leading dimension is too small.</exception>
    /// <exception cref="ArgumentException">A span is too short for the described matrix.</exception>
    public static unsafe void Compute(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmChecks.Shape(m, n, k);
        GemmChecks.Matrix(nameof(a), a.Length, transA, m, k, lda, nameof(lda), 1, 0);
        GemmChecks.Matrix(nameof(b), b.Length, transB, k, n, ldb, nameof(ldb), 1, 0);
        GemmChecks.Matrix(nameof(c), c.Length, false, m, n, ldc, nameof(ldc), 1, 0);
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            var p = new SgemmProblem(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            SgemmDispatch.Run(p, parallel: true);
        }
    }

    /// <summary>
    /// Computes <paramref name="batch"/> independent products
    /// C_i = alpha·op(A_i)·op(B_i) + beta·C_i, where X_i starts at element i·strideX of its span.
    /// A stride of 0 broadcasts one A (or B) matrix to every product.
    /// </summary>
    /// <remarks>
    /// Small products are spread over threads one whole product at a time; large ones are computed
    /// one after another, each threaded internally. Either way every product gets exactly the bits
    /// <see cref="Compute"/> would give it.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A dimension, stride or batch is negative, or a leading dimension is too small.</exception>
    /// <exception cref="ArgumentException">A span is too short, or C matrices overlap.</exception>
    public static unsafe void ComputeBatched(bool transA, bool transB, int batch, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC)
    {
        GemmChecks.Batch(batch, strideA, strideB, strideC);
        GemmChecks.Shape(m, n, k);
        GemmChecks.Matrix(nameof(a), a.Length, transA, m, k, lda, nameof(lda), batch, strideA);
        GemmChecks.Matrix(nameof(b), b.Length, transB, k, n, ldb, nameof(ldb), batch, strideB);
        GemmChecks.Matrix(nameof(c), c.Length, false, m, n, ldc, nameof(ldc), batch, strideC);
        GemmChecks.NoOverlap(batch, m, n, ldc, strideC);
        if (batch == 0 || m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            var p = new SgemmProblem(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            SgemmDispatch.RunBatched(p, batch, strideA, strideB, strideC);
        }
    }
}
