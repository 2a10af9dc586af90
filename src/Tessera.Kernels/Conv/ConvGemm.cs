using System.Numerics;
using System.Runtime.InteropServices;
using Tessera.Kernels.Gemm;

namespace Tessera.Kernels.Conv;

/// <summary>
/// The one place the convolution kernels multiply matrices: float goes to <see cref="Sgemm"/>,
/// double (used for gradient checks) to the scalar reference.
/// </summary>
internal static class ConvGemm
{
    /// <summary>Row-major C = op(A)·op(B) + beta·C with alpha fixed at 1.</summary>
    public static void Compute<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Sgemm.Compute(transA, transB, m, n, k, 1f,
                MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb,
                float.CreateTruncating(beta), MemoryMarshal.Cast<T, float>(c), ldc);
        }
        else
        {
            GemmReference.Compute(transA, transB, m, n, k, T.One, a, lda, b, ldb, beta, c, ldc);
        }
    }
}
