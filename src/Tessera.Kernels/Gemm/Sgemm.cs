namespace Tessera.Kernels.Gemm;

/// <summary>
/// Single-precision general matrix multiply, row-major:
/// <c>C = alpha · op(A) · op(B) + beta · C</c>, op(X) = X or Xᵀ.
/// op(A) is (m, k), op(B) is (k, n), C is (m, n). Leading dimensions are row strides in elements.
/// When beta is 0, C is not read (NaNs in C do not propagate).
/// </summary>
public static class Sgemm
{
    /// <summary>Computes C = alpha·op(A)·op(B) + beta·C. See the type remarks for the layout.</summary>
    public static void Compute(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        // Placeholder: the reference loop until the blocked kernel lands.
        GemmReference.Compute(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
