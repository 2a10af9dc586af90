using System.Numerics;

namespace Tessera.Kernels.Gemm;

/// <summary>Readable scalar reference GEMM (row-major), the yardstick every fast path is checked against.</summary>
internal static class GemmReference
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C, accumulating each dot product in <typeparamref name="T"/> in k order.</summary>
    public static void Compute<T>(bool transA, bool transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            T acc = T.Zero;
            for (int p = 0; p < k; p++)
            {
                T av = transA ? a[p * lda + i] : a[i * lda + p];
                T bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                acc += av * bv;
            }
            ref T cij = ref c[i * ldc + j];
            cij = beta == T.Zero ? alpha * acc : alpha * acc + beta * cij;
        }
    }
}
