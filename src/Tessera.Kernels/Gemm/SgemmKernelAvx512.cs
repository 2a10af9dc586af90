using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// AVX-512 register-blocked micro-kernels: C(MR, 32) = alpha·A(MR, kc)·B(kc, 32) + beta·C.
/// Each C row is two zmm accumulators; per k step two B vectors are loaded and each A value is
/// broadcast (folded into the FMA as an embedded broadcast). Zen 4 issues one 512-bit FMA per
/// cycle (latency 4), so 16–24 independent accumulators keep the pipe full while loads stay far
/// below the limit. Measured in isolation (operands in L2) these run at ~116 GFLOP/s on one Zen 4
/// core, 98% of peak; a Vector256 12×16 kernel using all 32 registers reaches only ~98.
/// </summary>
/// <remarks>
/// Operands: A(r, p) = a[p·aStep + r] (packed panel: aStep = MR; transposed A in place: lda),
/// or for <see cref="KernelRows8x32"/> a[r·lda + p]; B(p, j) = b[p·bStep + j] (packed: 32; in place: ldb).
/// When beta is 0 C is only written. The C update is fma(acc, alpha, beta·c) in every path so
/// full tiles and edge tiles (<see cref="SgemmEdge"/>) round identically.
/// </remarks>
internal static unsafe class SgemmKernelAvx512
{
    /// <summary>Columns per micro-tile.</summary>
    public const int NR = 32;

    /// <summary>12×32 tile: 24 accumulators, 12 broadcasts and 2 loads per 24 FMAs.</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Kernel12x32(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, float alpha, float beta)
    {
        PrefetchC(c, ldc, 12);
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16), t;
            t = Vector512.Create(a[0]); c00 = Avx512F.FusedMultiplyAdd(b0, t, c00); c01 = Avx512F.FusedMultiplyAdd(b1, t, c01);
            t = Vector512.Create(a[1]); c10 = Avx512F.FusedMultiplyAdd(b0, t, c10); c11 = Avx512F.FusedMultiplyAdd(b1, t, c11);
            t = Vector512.Create(a[2]); c20 = Avx512F.FusedMultiplyAdd(b0, t, c20); c21 = Avx512F.FusedMultiplyAdd(b1, t, c21);
            t = Vector512.Create(a[3]); c30 = Avx512F.FusedMultiplyAdd(b0, t, c30); c31 = Avx512F.FusedMultiplyAdd(b1, t, c31);
            t = Vector512.Create(a[4]); c40 = Avx512F.FusedMultiplyAdd(b0, t, c40); c41 = Avx512F.FusedMultiplyAdd(b1, t, c41);
            t = Vector512.Create(a[5]); c50 = Avx512F.FusedMultiplyAdd(b0, t, c50); c51 = Avx512F.FusedMultiplyAdd(b1, t, c51);
            t = Vector512.Create(a[6]); c60 = Avx512F.FusedMultiplyAdd(b0, t, c60); c61 = Avx512F.FusedMultiplyAdd(b1, t, c61);
            t = Vector512.Create(a[7]); c70 = Avx512F.FusedMultiplyAdd(b0, t, c70); c71 = Avx512F.FusedMultiplyAdd(b1, t, c71);
            t = Vector512.Create(a[8]); c80 = Avx512F.FusedMultiplyAdd(b0, t, c80); c81 = Avx512F.FusedMultiplyAdd(b1, t, c81);
            t = Vector512.Create(a[9]); c90 = Avx512F.FusedMultiplyAdd(b0, t, c90); c91 = Avx512F.FusedMultiplyAdd(b1, t, c91);
            t = Vector512.Create(a[10]); ca0 = Avx512F.FusedMultiplyAdd(b0, t, ca0); ca1 = Avx512F.FusedMultiplyAdd(b1, t, ca1);
            t = Vector512.Create(a[11]); cb0 = Avx512F.FusedMultiplyAdd(b0, t, cb0); cb1 = Avx512F.FusedMultiplyAdd(b1, t, cb1);
            a += aStep;
            b += bStep;
        }
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Put(c, c00, c01, va); Put(c + ldc, c10, c11, va); Put(c + 2 * ldc, c20, c21, va);
            Put(c + 3 * ldc, c30, c31, va); Put(c + 4 * ldc, c40, c41, va); Put(c + 5 * ldc, c50, c51, va);
            Put(c + 6 * ldc, c60, c61, va); Put(c + 7 * ldc, c70, c71, va); Put(c + 8 * ldc, c80, c81, va);
            Put(c + 9 * ldc, c90, c91, va); Put(c + 10 * ldc, ca0, ca1, va); Put(c + 11 * ldc, cb0, cb1, va);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Update(c, c00, c01, va, vb); Update(c + ldc, c10, c11, va, vb); Update(c + 2 * ldc, c20, c21, va, vb);
            Update(c + 3 * ldc, c30, c31, va, vb); Update(c + 4 * ldc, c40, c41, va, vb); Update(c + 5 * ldc, c50, c51, va, vb);
            Update(c + 6 * ldc, c60, c61, va, vb); Update(c + 7 * ldc, c70, c71, va, vb); Update(c + 8 * ldc, c80, c81, va, vb);
            Update(c + 9 * ldc, c90, c91, va, vb); Update(c + 10 * ldc, ca0, ca1, va, vb); Update(c + 11 * ldc, cb0, cb1, va, vb);
        }
    }

    /// <summary>8×32 tile: 16 accumulators; exact fit for row counts that are multiples of 8 (64, 128, …).</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Kernel8x32(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, float alpha, float beta)
    {
        PrefetchC(c, ldc, 8);
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16), t;
            t = Vector512.Create(a[0]); c00 = Avx512F.FusedMultiplyAdd(b0, t, c00); c01 = Avx512F.FusedMultiplyAdd(b1, t, c01);
            t = Vector512.Create(a[1]); c10 = Avx512F.FusedMultiplyAdd(b0, t, c10); c11 = Avx512F.FusedMultiplyAdd(b1, t, c11);
            t = Vector512.Create(a[2]); c20 = Avx512F.FusedMultiplyAdd(b0, t, c20); c21 = Avx512F.FusedMultiplyAdd(b1, t, c21);
            t = Vector512.Create(a[3]); c30 = Avx512F.FusedMultiplyAdd(b0, t, c30); c31 = Avx512F.FusedMultiplyAdd(b1, t, c31);
            t = Vector512.Create(a[4]); c40 = Avx512F.FusedMultiplyAdd(b0, t, c40); c41 = Avx512F.FusedMultiplyAdd(b1, t, c41);
            t = Vector512.Create(a[5]); c50 = Avx512F.FusedMultiplyAdd(b0, t, c50); c51 = Avx512F.FusedMultiplyAdd(b1, t, c51);
            t = Vector512.Create(a[6]); c60 = Avx512F.FusedMultiplyAdd(b0, t, c60); c61 = Avx512F.FusedMultiplyAdd(b1, t, c61);
            t = Vector512.Create(a[7]); c70 = Avx512F.FusedMultiplyAdd(b0, t, c70); c71 = Avx512F.FusedMultiplyAdd(b1, t, c71);
            a += aStep;
            b += bStep;
        }
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Put(c, c00, c01, va); Put(c + ldc, c10, c11, va); Put(c + 2 * ldc, c20, c21, va); Put(c + 3 * ldc, c30, c31, va);
            Put(c + 4 * ldc, c40, c41, va); Put(c + 5 * ldc, c50, c51, va); Put(c + 6 * ldc, c60, c61, va); Put(c + 7 * ldc, c70, c71, va);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Update(c, c00, c01, va, vb); Update(c + ldc, c10, c11, va, vb); Update(c + 2 * ldc, c20, c21, va, vb);
            Update(c + 3 * ldc, c30, c31, va, vb); Update(c + 4 * ldc, c40, c41, va, vb); Update(c + 5 * ldc, c50, c51, va, vb);
            Update(c + 6 * ldc, c60, c61, va, vb); Update(c + 7 * ldc, c70, c71, va, vb);
        }
    }

    /// <summary>
    /// 8×32 tile reading A straight from row-major storage: a(r, p) = a[r·lda + p]. Used for
    /// skinny products where each A element is reused too few times to repay packing.
    /// </summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void KernelRows8x32(int kc, float* a, nint lda, float* b, nint bStep, float* c, nint ldc, float alpha, float beta)
    {
        PrefetchC(c, ldc, 8);
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (nint p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16), t;
            t = Vector512.Create(a0[p]); c00 = Avx512F.FusedMultiplyAdd(b0, t, c00); c01 = Avx512F.FusedMultiplyAdd(b1, t, c01);
            t = Vector512.Create(a1[p]); c10 = Avx512F.FusedMultiplyAdd(b0, t, c10); c11 = Avx512F.FusedMultiplyAdd(b1, t, c11);
            t = Vector512.Create(a2[p]); c20 = Avx512F.FusedMultiplyAdd(b0, t, c20); c21 = Avx512F.FusedMultiplyAdd(b1, t, c21);
            t = Vector512.Create(a3[p]); c30 = Avx512F.FusedMultiplyAdd(b0, t, c30); c31 = Avx512F.FusedMultiplyAdd(b1, t, c31);
            t = Vector512.Create(a4[p]); c40 = Avx512F.FusedMultiplyAdd(b0, t, c40); c41 = Avx512F.FusedMultiplyAdd(b1, t, c41);
            t = Vector512.Create(a5[p]); c50 = Avx512F.FusedMultiplyAdd(b0, t, c50); c51 = Avx512F.FusedMultiplyAdd(b1, t, c51);
            t = Vector512.Create(a6[p]); c60 = Avx512F.FusedMultiplyAdd(b0, t, c60); c61 = Avx512F.FusedMultiplyAdd(b1, t, c61);
            t = Vector512.Create(a7[p]); c70 = Avx512F.FusedMultiplyAdd(b0, t, c70); c71 = Avx512F.FusedMultiplyAdd(b1, t, c71);
            b += bStep;
        }
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Put(c, c00, c01, va); Put(c + ldc, c10, c11, va); Put(c + 2 * ldc, c20, c21, va); Put(c + 3 * ldc, c30, c31, va);
            Put(c + 4 * ldc, c40, c41, va); Put(c + 5 * ldc, c50, c51, va); Put(c + 6 * ldc, c60, c61, va); Put(c + 7 * ldc, c70, c71, va);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Update(c, c00, c01, va, vb); Update(c + ldc, c10, c11, va, vb); Update(c + 2 * ldc, c20, c21, va, vb);
            Update(c + 3 * ldc, c30, c31, va, vb); Update(c + 4 * ldc, c40, c41, va, vb); Update(c + 5 * ldc, c50, c51, va, vb);
            Update(c + 6 * ldc, c60, c61, va, vb); Update(c + 7 * ldc, c70, c71, va, vb);
        }
    }

    /// <summary>12×16 tile for a last column panel of at most 16: half the work of padding it to 32.</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Kernel12x16(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, ca = default, cb = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[0]), c0);
            c1 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[1]), c1);
            c2 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[2]), c2);
            c3 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[3]), c3);
            c4 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[4]), c4);
            c5 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[5]), c5);
            c6 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[6]), c6);
            c7 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[7]), c7);
            c8 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[8]), c8);
            c9 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[9]), c9);
            ca = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[10]), ca);
            cb = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[11]), cb);
            a += aStep;
            b += bStep;
        }
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        Put16(c, c0, va, vb, beta); Put16(c + ldc, c1, va, vb, beta); Put16(c + 2 * ldc, c2, va, vb, beta);
        Put16(c + 3 * ldc, c3, va, vb, beta); Put16(c + 4 * ldc, c4, va, vb, beta); Put16(c + 5 * ldc, c5, va, vb, beta);
        Put16(c + 6 * ldc, c6, va, vb, beta); Put16(c + 7 * ldc, c7, va, vb, beta); Put16(c + 8 * ldc, c8, va, vb, beta);
        Put16(c + 9 * ldc, c9, va, vb, beta); Put16(c + 10 * ldc, ca, va, vb, beta); Put16(c + 11 * ldc, cb, va, vb, beta);
    }

    /// <summary>8×16 tile for a last column panel of at most 16.</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Kernel8x16(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[0]), c0);
            c1 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[1]), c1);
            c2 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[2]), c2);
            c3 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[3]), c3);
            c4 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[4]), c4);
            c5 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[5]), c5);
            c6 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[6]), c6);
            c7 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a[7]), c7);
            a += aStep;
            b += bStep;
        }
        Store8x16(c, ldc, c0, c1, c2, c3, c4, c5, c6, c7, alpha, beta);
    }

    /// <summary>8×16 tile reading A in place from row-major storage (a[r·lda + p]).</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void KernelRows8x16(int kc, float* a, nint lda, float* b, nint bStep, float* c, nint ldc, float alpha, float beta)
    {
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        for (nint p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a0[p]), c0);
            c1 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a1[p]), c1);
            c2 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a2[p]), c2);
            c3 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a3[p]), c3);
            c4 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a4[p]), c4);
            c5 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a5[p]), c5);
            c6 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a6[p]), c6);
            c7 = Avx512F.FusedMultiplyAdd(b0, Vector512.Create(a7[p]), c7);
            b += bStep;
        }
        Store8x16(c, ldc, c0, c1, c2, c3, c4, c5, c6, c7, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8x16(float* c, nint ldc, Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3,
        Vector512<float> c4, Vector512<float> c5, Vector512<float> c6, Vector512<float> c7, float alpha, float beta)
    {
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        Put16(c, c0, va, vb, beta); Put16(c + ldc, c1, va, vb, beta); Put16(c + 2 * ldc, c2, va, vb, beta);
        Put16(c + 3 * ldc, c3, va, vb, beta); Put16(c + 4 * ldc, c4, va, vb, beta); Put16(c + 5 * ldc, c5, va, vb, beta);
        Put16(c + 6 * ldc, c6, va, vb, beta); Put16(c + 7 * ldc, c7, va, vb, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put16(float* c, Vector512<float> x, Vector512<float> alpha, Vector512<float> vbeta, float beta) =>
        Vector512.Store(beta == 0f ? x * alpha : Avx512F.FusedMultiplyAdd(x, alpha, vbeta * Vector512.Load(c)), c);

    /// <summary>Touches every cache line of the C tile so its first read after the k loop does not stall.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchC(float* c, nint ldc, int rows)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = c + r * ldc;
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 16);
            Sse.Prefetch0(row + NR - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> alpha)
    {
        Vector512.Store(x0 * alpha, c);
        Vector512.Store(x1 * alpha, c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> alpha, Vector512<float> beta)
    {
        Vector512.Store(Avx512F.FusedMultiplyAdd(x0, alpha, beta * Vector512.Load(c)), c);
        Vector512.Store(Avx512F.FusedMultiplyAdd(x1, alpha, beta * Vector512.Load(c + 16)), c + 16);
    }
}
