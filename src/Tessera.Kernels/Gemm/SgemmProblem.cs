namespace Tessera.Kernels.Gemm;

/// <summary>One validated, pinned GEMM: C(m, n) = alpha·op(A)(m, k)·op(B)(k, n) + beta·C.</summary>
internal readonly unsafe struct SgemmProblem(bool transA, bool transB, int m, int n, int k, float alpha,
    float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
{
    public readonly bool TransA = transA, TransB = transB;
    public readonly int M = m, N = n, K = k;
    public readonly float Alpha = alpha, Beta = beta;
    public readonly float* A = a, B = b, C = c;
    public readonly nint Lda = lda, Ldb = ldb, Ldc = ldc;

    /// <summary>Multiply-adds in the product.</summary>
    public long Work => (long)M * N * K;

    /// <summary>The same problem for matrix <paramref name="index"/> of a strided batch.</summary>
    public SgemmProblem At(long index, long strideA, long strideB, long strideC) =>
        new(TransA, TransB, M, N, K, Alpha, A + index * strideA, Lda, B + index * strideB, Ldb, Beta, C + index * strideC, Ldc);
}
