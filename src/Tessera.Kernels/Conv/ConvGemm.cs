using System.Numerics;
using System.Runtime.InteropServices;
using Tessera.Kernels.Gemm;

namespace Tessera.Kernels.Conv;

/// <summary>
/// The one place the convolution kernels multiply matrices. Small float products (per-image GEMMs with few
/// output channels) go to <see cref="ConvDirectGemm"/>, bigger ones to <see cref="Sgemm"/>; double (used for
/// gradient checks) goes to the scalar reference.
/// </summary>
internal static class ConvGemm
{
    /// <summary>Above this many multiply-adds per call the cache-blocked <see cref="Sgemm"/> takes over.</summary>
    internal const long DirectMaxMacs = 1L << 24;

    /// <summary>Test hook: when set, every product goes to <see cref="Sgemm"/> and the convolutions take the im2col path.</summary>
    internal static bool DisableDirectPaths { get; set; }

    /// <summary>Whether the float direct kernels may run.</summary>
    internal static bool DirectAvailable => ConvDirectGemm.IsSupported && !DisableDirectPaths;

    /// <summary>
    /// Row-major C = op(A)·op(B) + beta·C with alpha 1 and beta 0 or 1. When <paramref name="rowBias"/> is not empty,
    /// C = rowBias[i] + op(A)·op(B) instead (beta ignored).
    /// </summary>
    public static unsafe void Compute<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc, ReadOnlySpan<T> rowBias = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= 0 || n <= 0) return;
        bool hasBias = !rowBias.IsEmpty;
        if (typeof(T) == typeof(float) && DirectAvailable && !(transA && transB)
            && (long)m * n * k <= DirectMaxMacs && k > 0)
        {
            // The kernels take raw pointers: prove every access is inside the spans first.
            long aNeed = transA ? (long)(k - 1) * lda + m : (long)(m - 1) * lda + k;
            long bNeed = transB ? (long)(n - 1) * ldb + k : (long)(k - 1) * ldb + n;
            long cNeed = (long)(m - 1) * ldc + n;
            if (a.Length < aNeed || b.Length < bNeed || c.Length < cNeed || (hasBias && rowBias.Length < m))
                throw new ArgumentException("ConvGemm: operand spans shorter than the matrices they hold");
            var init = hasBias ? ConvDirectGemm.Init.RowBias : beta == T.Zero ? ConvDirectGemm.Init.Zero : ConvDirectGemm.Init.Accumulate;
            fixed (T* pa = a, pb = b, pc = c, pbias = rowBias)
            {
                if (!transB)
                {
                    // op(A)(i, p) = A[i, p] or A[p, i]: a stride swap.
                    ConvDirectGemm.MultiplyNN(m, n, k, (float*)pa, transA ? 1 : lda, transA ? lda : 1,
                        (float*)pb, ldb, (float*)pc, ldc, init, (float*)pbias);
                }
                else if (!hasBias)
                {
                    ConvDirectGemm.MultiplyNT(m, n, k, (float*)pa, lda, (float*)pb, ldb, (float*)pc, ldc,
                        init == ConvDirectGemm.Init.Accumulate);
                }
                else
                {
                    FillBias(m, n, rowBias, c, ldc);
                    ConvDirectGemm.MultiplyNT(m, n, k, (float*)pa, lda, (float*)pb, ldb, (float*)pc, ldc, true);
                }
            }
            return;
        }

        if (hasBias)
        {
            FillBias(m, n, rowBias, c, ldc);
            beta = T.One;
        }
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

    private static void FillBias<T>(int m, int n, ReadOnlySpan<T> rowBias, Span<T> c, int ldc)
    {
        for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Fill(rowBias[i]);
    }
}
