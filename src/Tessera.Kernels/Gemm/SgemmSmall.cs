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

    /// <summary>A not transposed, B transposed: both operands contiguous along k, so each C element is a dot product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void RunDots(in SgemmProblem p, int n0, int n1)
    {
        int k8 = Vector256.IsHardwareAccelerated ? p.K & ~7 : 0;
        for (int i = 0; i < p.M; i++)
        {
            float* aRow = p.A + i * p.Lda;
            float* cRow = p.C + i * p.Ldc;
            for (int j = n0; j < n1; j++)
            {
                float* bRow = p.B + j * p.Ldb;
                float acc = 0f;
                if (k8 > 0)
                {
                    // Two independent accumulators hide FMA latency; combined in a fixed order.
                    Vector256<float> v0 = default, v1 = default;
                    int q = 0;
                    for (; q + 16 <= k8; q += 16)
                    {
                        v0 = Vector256.FusedMultiplyAdd(Vector256.Load(aRow + q), Vector256.Load(bRow + q), v0);
                        v1 = Vector256.FusedMultiplyAdd(Vector256.Load(aRow + q + 8), Vector256.Load(bRow + q + 8), v1);
                    }
                    if (q < k8) v0 = Vector256.FusedMultiplyAdd(Vector256.Load(aRow + q), Vector256.Load(bRow + q), v0);
                    acc = Vector256.Sum(v0 + v1);
                }
                for (int q = k8; q < p.K; q++) acc = MathF.FusedMultiplyAdd(aRow[q], bRow[q], acc);
                StoreOne(cRow + j, acc, p.Alpha, p.Beta);
            }
        }
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
