using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// Portable micro-kernel (any platform with 128-bit vectors, e.g. Arm64 AdvSimd):
/// C(4, 8) = alpha·A(4, kc)·B(kc, 8) + beta·C with 8 Vector128 accumulators.
/// </summary>
/// <remarks>Same operand layouts and C-update rounding as <see cref="SgemmKernelAvx512"/>.</remarks>
internal static unsafe class SgemmKernelPortable
{
    /// <summary>Rows per micro-tile.</summary>
    public const int MR = 4;

    /// <summary>Columns per micro-tile.</summary>
    public const int NR = 8;

    /// <summary>4×8 tile.</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Kernel4x8(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4), t;
            t = Vector128.Create(a[0]); c00 = Vector128.FusedMultiplyAdd(b0, t, c00); c01 = Vector128.FusedMultiplyAdd(b1, t, c01);
            t = Vector128.Create(a[1]); c10 = Vector128.FusedMultiplyAdd(b0, t, c10); c11 = Vector128.FusedMultiplyAdd(b1, t, c11);
            t = Vector128.Create(a[2]); c20 = Vector128.FusedMultiplyAdd(b0, t, c20); c21 = Vector128.FusedMultiplyAdd(b1, t, c21);
            t = Vector128.Create(a[3]); c30 = Vector128.FusedMultiplyAdd(b0, t, c30); c31 = Vector128.FusedMultiplyAdd(b1, t, c31);
            a += aStep;
            b += bStep;
        }
        var va = Vector128.Create(alpha);
        if (beta == 0f)
        {
            Put(c, c00, c01, va); Put(c + ldc, c10, c11, va); Put(c + 2 * ldc, c20, c21, va); Put(c + 3 * ldc, c30, c31, va);
        }
        else
        {
            var vb = Vector128.Create(beta);
            Update(c, c00, c01, va, vb); Update(c + ldc, c10, c11, va, vb);
            Update(c + 2 * ldc, c20, c21, va, vb); Update(c + 3 * ldc, c30, c31, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, Vector128<float> x0, Vector128<float> x1, Vector128<float> alpha)
    {
        Vector128.Store(x0 * alpha, c);
        Vector128.Store(x1 * alpha, c + 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector128<float> x0, Vector128<float> x1, Vector128<float> alpha, Vector128<float> beta)
    {
        Vector128.Store(Vector128.FusedMultiplyAdd(x0, alpha, beta * Vector128.Load(c)), c);
        Vector128.Store(Vector128.FusedMultiplyAdd(x1, alpha, beta * Vector128.Load(c + 4)), c + 4);
    }
}
