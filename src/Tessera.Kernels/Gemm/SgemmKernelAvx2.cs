using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// AVX2/FMA micro-kernel for machines without AVX-512: C(6, 16) = alpha·A(6, kc)·B(kc, 16) + beta·C.
/// 12 ymm accumulators + 2 B vectors + 1 broadcast fill the 16 ymm registers exactly.
/// </summary>
/// <remarks>Same operand layouts and C-update rounding as <see cref="SgemmKernelAvx512"/>.</remarks>
internal static unsafe class SgemmKernelAvx2
{
    /// <summary>Rows per micro-tile.</summary>
    public const int MR = 6;

    /// <summary>Columns per micro-tile.</summary>
    public const int NR = 16;

    /// <summary>6×16 tile.</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Kernel6x16(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8), t;
            t = Vector256.Create(a[0]); c00 = Fma.MultiplyAdd(b0, t, c00); c01 = Fma.MultiplyAdd(b1, t, c01);
            t = Vector256.Create(a[1]); c10 = Fma.MultiplyAdd(b0, t, c10); c11 = Fma.MultiplyAdd(b1, t, c11);
            t = Vector256.Create(a[2]); c20 = Fma.MultiplyAdd(b0, t, c20); c21 = Fma.MultiplyAdd(b1, t, c21);
            t = Vector256.Create(a[3]); c30 = Fma.MultiplyAdd(b0, t, c30); c31 = Fma.MultiplyAdd(b1, t, c31);
            t = Vector256.Create(a[4]); c40 = Fma.MultiplyAdd(b0, t, c40); c41 = Fma.MultiplyAdd(b1, t, c41);
            t = Vector256.Create(a[5]); c50 = Fma.MultiplyAdd(b0, t, c50); c51 = Fma.MultiplyAdd(b1, t, c51);
            a += aStep;
            b += bStep;
        }
        var va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Put(c, c00, c01, va); Put(c + ldc, c10, c11, va); Put(c + 2 * ldc, c20, c21, va);
            Put(c + 3 * ldc, c30, c31, va); Put(c + 4 * ldc, c40, c41, va); Put(c + 5 * ldc, c50, c51, va);
        }
        else
        {
            var vb = Vector256.Create(beta);
            Update(c, c00, c01, va, vb); Update(c + ldc, c10, c11, va, vb); Update(c + 2 * ldc, c20, c21, va, vb);
            Update(c + 3 * ldc, c30, c31, va, vb); Update(c + 4 * ldc, c40, c41, va, vb); Update(c + 5 * ldc, c50, c51, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha)
    {
        Vector256.Store(x0 * alpha, c);
        Vector256.Store(x1 * alpha, c + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha, Vector256<float> beta)
    {
        Vector256.Store(Fma.MultiplyAdd(x0, alpha, beta * Vector256.Load(c)), c);
        Vector256.Store(Fma.MultiplyAdd(x1, alpha, beta * Vector256.Load(c + 8)), c + 8);
    }
}
