using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// Direct (unpacked) path for small products and for very few rows of C (m ≤ 4, e.g. batch-1
/// inference), where packing and padding a micro-tile would cost more than the arithmetic.
/// Every C element is one FMA chain over k in ascending order, whichever columns a call covers.
/// </summary>
internal static unsafe class SgemmSmall
{
    /// <summary>Largest m the direct path takes regardless of size (rows are processed four at a time).</summary>
    public const int MaxRows = 4;

    /// <summary>Whether the direct path can handle this problem at any size.</summary>
    public static bool HandlesSkinny(in SgemmProblem p) => p.M <= MaxRows && !(p.TransA && p.TransB);

    /// <summary>Computes columns [n0, n1) of C (n0 a multiple of 16 unless it is the end).</summary>
    public static void Run(in SgemmProblem p, int n0, int n1)
    {
        if (!p.TransB) RunRowAxpy(p, n0, n1);
        else if (!p.TransA) RunDots(p, n0, n1);
        else RunScalar(p, n0, n1);
    }

    /// <summary>
    /// op(B) rows are contiguous: C[i.., j..j+16] accumulates a(i, q)·B[q, j..j+16] over q, for up
    /// to four rows at once so each B load feeds four FMAs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void RunRowAxpy(in SgemmProblem p, int n0, int n1)
    {
        // a(i, q) = aRow[q·aStep] with aRow = A + i·lda (plain) or A + i (transposed).
        nint aStep = p.TransA ? p.Lda : 1, aRowStep = p.TransA ? 1 : p.Lda;
        int jVec = Vector256.IsHardwareAccelerated ? n0 + (n1 - n0) / 16 * 16 : n0;
        int i = 0;
        for (; i + 4 <= p.M; i += 4)
        {
            float* a0 = p.A + i * aRowStep;
            for (int j = n0; j < jVec; j += 16) Rows4x16(p, a0, aRowStep, aStep, i, j);
            for (int r = 0; r < 4; r++) ScalarColumns(p, a0 + r * aRowStep, aStep, i + r, jVec, n1);
        }
        for (; i < p.M; i++)
        {
            float* aRow = p.A + i * aRowStep;
            for (int j = n0; j < jVec; j += 16) Row1x16(p, aRow, aStep, i, j);
            ScalarColumns(p, aRow, aStep, i, jVec, n1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows4x16(in SgemmProblem p, float* a0, nint aRowStep, nint aStep, int i, int j)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        float* bp = p.B + j;
        float* ap = a0;
        nint r1 = aRowStep, r2 = 2 * aRowStep, r3 = 3 * aRowStep;
        for (int q = 0; q < p.K; q++, bp += p.Ldb, ap += aStep)
        {
            Vector256<float> b0 = Vector256.Load(bp), b1 = Vector256.Load(bp + 8), t;
            t = Vector256.Create(ap[0]); c00 = Vector256.FusedMultiplyAdd(b0, t, c00); c01 = Vector256.FusedMultiplyAdd(b1, t, c01);
            t = Vector256.Create(ap[r1]); c10 = Vector256.FusedMultiplyAdd(b0, t, c10); c11 = Vector256.FusedMultiplyAdd(b1, t, c11);
            t = Vector256.Create(ap[r2]); c20 = Vector256.FusedMultiplyAdd(b0, t, c20); c21 = Vector256.FusedMultiplyAdd(b1, t, c21);
            t = Vector256.Create(ap[r3]); c30 = Vector256.FusedMultiplyAdd(b0, t, c30); c31 = Vector256.FusedMultiplyAdd(b1, t, c31);
        }
        float* c = p.C + i * p.Ldc + j;
        Store8(c, c00, p.Alpha, p.Beta); Store8(c + 8, c01, p.Alpha, p.Beta);
        c += p.Ldc;
        Store8(c, c10, p.Alpha, p.Beta); Store8(c + 8, c11, p.Alpha, p.Beta);
        c += p.Ldc;
        Store8(c, c20, p.Alpha, p.Beta); Store8(c + 8, c21, p.Alpha, p.Beta);
        c += p.Ldc;
        Store8(c, c30, p.Alpha, p.Beta); Store8(c + 8, c31, p.Alpha, p.Beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row1x16(in SgemmProblem p, float* aRow, nint aStep, int i, int j)
    {
        Vector256<float> acc0 = default, acc1 = default;
        float* bp = p.B + j;
        float* ap = aRow;
        for (int q = 0; q < p.K; q++, bp += p.Ldb, ap += aStep)
        {
            var av = Vector256.Create(*ap);
            acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(bp), av, acc0);
            acc1 = Vector256.FusedMultiplyAdd(Vector256.Load(bp + 8), av, acc1);
        }
        float* c = p.C + i * p.Ldc + j;
        Store8(c, acc0, p.Alpha, p.Beta);
        Store8(c + 8, acc1, p.Alpha, p.Beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ScalarColumns(in SgemmProblem p, float* aRow, nint aStep, int i, int j0, int j1)
    {
        for (int j = j0; j < j1; j++)
        {
            float acc = 0f;
            float* bp = p.B + j;
            float* ap = aRow;
            for (int q = 0; q < p.K; q++, bp += p.Ldb, ap += aStep) acc = MathF.FusedMultiplyAdd(*ap, *bp, acc);
            StoreOne(p.C + i * p.Ldc + j, acc, p.Alpha, p.Beta);
        }
    }

    /// <summary>
    /// A not transposed, B transposed (x·Wᵀ, the linear layer): both operands contiguous along k, so each C element is a
    /// dot product. Eight outputs share each load of the A row and run eight independent FMA chains, which keeps the loop
    /// load-bound instead of latency-bound (two accumulators per output before). Every element gets
    /// the same arithmetic whichever group computes it: one vector accumulator over k in blocks, a fixed-order horizontal
    /// sum, then the k tail in scalar FMAs, so results do not depend on the column split between threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void RunDots(in SgemmProblem p, int n0, int n1)
    {
        // Follows the packed kernels' ISA (tests force each one): 16 lanes on AVX-512, 8 on AVX2, scalar otherwise.
        GemmIsa isa = SgemmMicroKernel.ForcedIsa == GemmIsa.Auto ? SgemmMicroKernel.BestIsa : SgemmMicroKernel.ForcedIsa;
        bool wide = isa == GemmIsa.Avx512 && Vector512.IsHardwareAccelerated;
        int kv = wide ? p.K & ~15 : isa != GemmIsa.Portable && Vector256.IsHardwareAccelerated ? p.K & ~7 : 0;
        for (int i = 0; i < p.M; i++)
        {
            float* aRow = p.A + i * p.Lda;
            float* cRow = p.C + i * p.Ldc;
            int j = n0;
            if (kv > 0)
                for (; j + 8 <= n1; j += 8)
                {
                    float* b0 = p.B + j * p.Ldb;
                    if (wide) Dots8x512(aRow, b0, p.Ldb, kv, cRow + j, p);
                    else Dots8x256(aRow, b0, p.Ldb, kv, cRow + j, p);
                }
            for (; j < n1; j++)
            {
                float* bRow = p.B + j * p.Ldb;
                float acc = 0f;
                if (kv > 0)
                {
                    if (wide)
                    {
                        Vector512<float> v = default;
                        for (int q = 0; q < kv; q += 16) v = Vector512.FusedMultiplyAdd(Vector512.Load(aRow + q), Vector512.Load(bRow + q), v);
                        acc = Vector512.Sum(v);
                    }
                    else
                    {
                        Vector256<float> v = default;
                        for (int q = 0; q < kv; q += 8) v = Vector256.FusedMultiplyAdd(Vector256.Load(aRow + q), Vector256.Load(bRow + q), v);
                        acc = Vector256.Sum(v);
                    }
                }
                StoreOne(cRow + j, DotTail(aRow, bRow, kv, p.K, acc), p.Alpha, p.Beta);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotTail(float* a, float* b, int q0, int k, float acc)
    {
        for (int q = q0; q < k; q++) acc = MathF.FusedMultiplyAdd(a[q], b[q], acc);
        return acc;
    }

    /// <summary>Eight dot products c[0..8) = a · b_r (b_r = b + r·ldb) over k, 16 lanes at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dots8x512(float* a, float* b, nint ldb, int kv, float* c, in SgemmProblem p)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        float* b1 = b + ldb, b2 = b1 + ldb, b3 = b2 + ldb, b4 = b3 + ldb, b5 = b4 + ldb, b6 = b5 + ldb, b7 = b6 + ldb;
        for (int q = 0; q < kv; q += 16)
        {
            var x = Vector512.Load(a + q);
            s0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + q), s0);
            s1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b1 + q), s1);
            s2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b2 + q), s2);
            s3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b3 + q), s3);
            s4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b4 + q), s4);
            s5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b5 + q), s5);
            s6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b6 + q), s6);
            s7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b7 + q), s7);
        }
        int k = p.K;
        StoreOne(c, DotTail(a, b, kv, k, Vector512.Sum(s0)), p.Alpha, p.Beta);
        StoreOne(c + 1, DotTail(a, b1, kv, k, Vector512.Sum(s1)), p.Alpha, p.Beta);
        StoreOne(c + 2, DotTail(a, b2, kv, k, Vector512.Sum(s2)), p.Alpha, p.Beta);
        StoreOne(c + 3, DotTail(a, b3, kv, k, Vector512.Sum(s3)), p.Alpha, p.Beta);
        StoreOne(c + 4, DotTail(a, b4, kv, k, Vector512.Sum(s4)), p.Alpha, p.Beta);
        StoreOne(c + 5, DotTail(a, b5, kv, k, Vector512.Sum(s5)), p.Alpha, p.Beta);
        StoreOne(c + 6, DotTail(a, b6, kv, k, Vector512.Sum(s6)), p.Alpha, p.Beta);
        StoreOne(c + 7, DotTail(a, b7, kv, k, Vector512.Sum(s7)), p.Alpha, p.Beta);
    }

    /// <summary><see cref="Dots8x512"/> for CPUs without 512-bit vectors, 8 lanes at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dots8x256(float* a, float* b, nint ldb, int kv, float* c, in SgemmProblem p)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        float* b1 = b + ldb, b2 = b1 + ldb, b3 = b2 + ldb, b4 = b3 + ldb, b5 = b4 + ldb, b6 = b5 + ldb, b7 = b6 + ldb;
        for (int q = 0; q < kv; q += 8)
        {
            var x = Vector256.Load(a + q);
            s0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b + q), s0);
            s1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b1 + q), s1);
            s2 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b2 + q), s2);
            s3 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b3 + q), s3);
            s4 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b4 + q), s4);
            s5 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b5 + q), s5);
            s6 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b6 + q), s6);
            s7 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b7 + q), s7);
        }
        int k = p.K;
        StoreOne(c, DotTail(a, b, kv, k, Vector256.Sum(s0)), p.Alpha, p.Beta);
        StoreOne(c + 1, DotTail(a, b1, kv, k, Vector256.Sum(s1)), p.Alpha, p.Beta);
        StoreOne(c + 2, DotTail(a, b2, kv, k, Vector256.Sum(s2)), p.Alpha, p.Beta);
        StoreOne(c + 3, DotTail(a, b3, kv, k, Vector256.Sum(s3)), p.Alpha, p.Beta);
        StoreOne(c + 4, DotTail(a, b4, kv, k, Vector256.Sum(s4)), p.Alpha, p.Beta);
        StoreOne(c + 5, DotTail(a, b5, kv, k, Vector256.Sum(s5)), p.Alpha, p.Beta);
        StoreOne(c + 6, DotTail(a, b6, kv, k, Vector256.Sum(s6)), p.Alpha, p.Beta);
        StoreOne(c + 7, DotTail(a, b7, kv, k, Vector256.Sum(s7)), p.Alpha, p.Beta);
    }

    /// <summary>Both transposed: plain strided loops (only small sizes come here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void RunScalar(in SgemmProblem p, int n0, int n1)
    {
        for (int i = 0; i < p.M; i++)
            for (int j = n0; j < n1; j++)
            {
                float acc = 0f;
                float* ap = p.A + i;
                float* bp = p.B + j * p.Ldb;
                for (int q = 0; q < p.K; q++, ap += p.Lda) acc = MathF.FusedMultiplyAdd(*ap, bp[q], acc);
                StoreOne(p.C + i * p.Ldc + j, acc, p.Alpha, p.Beta);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(float* c, Vector256<float> acc, float alpha, float beta)
    {
        Vector256<float> r = beta == 0f
            ? acc * alpha
            : Vector256.FusedMultiplyAdd(acc, Vector256.Create(alpha), Vector256.Create(beta) * Vector256.Load(c));
        Vector256.Store(r, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreOne(float* c, float acc, float alpha, float beta) =>
        *c = beta == 0f ? acc * alpha : MathF.FusedMultiplyAdd(acc, alpha, beta * *c);
}
