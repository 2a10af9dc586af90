using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// Direct (unpacked, single-threaded) path for small products, where packing and fork/join would
/// cost more than the arithmetic. Every C element is one FMA chain over k in ascending order.
/// </summary>
internal static unsafe class SgemmSmall
{
    /// <summary>Computes the whole problem.</summary>
    public static void Run(in SgemmProblem p)
    {
        if (!p.TransB) RunRowAxpy(p);
        else if (!p.TransA) RunDots(p);
        else RunScalar(p);
    }

    /// <summary>op(B) rows are contiguous: C[i, j..j+16] accumulates a(i, q)·B[q, j..j+16] over q.</summary>
    private static void RunRowAxpy(in SgemmProblem p)
    {
        int j16 = Vector256.IsHardwareAccelerated ? p.N & ~15 : 0;
        for (int i = 0; i < p.M; i++)
        {
            float* cRow = p.C + i * p.Ldc;
            // a(i, q) = A[i, q] or A[q, i].
            float* aRow = p.TransA ? p.A + i : p.A + i * p.Lda;
            nint aStep = p.TransA ? p.Lda : 1;
            for (int j = 0; j < j16; j += 16)
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
                Store8(cRow + j, acc0, p.Alpha, p.Beta);
                Store8(cRow + j + 8, acc1, p.Alpha, p.Beta);
            }
            for (int j = j16; j < p.N; j++)
            {
                float acc = 0f;
                float* bp = p.B + j;
                float* ap = aRow;
                for (int q = 0; q < p.K; q++, bp += p.Ldb, ap += aStep) acc = MathF.FusedMultiplyAdd(*ap, *bp, acc);
                StoreOne(cRow + j, acc, p.Alpha, p.Beta);
            }
        }
    }

    /// <summary>A not transposed, B transposed: both operands contiguous along k, so each C element is a dot product.</summary>
    private static void RunDots(in SgemmProblem p)
    {
        int k8 = Vector256.IsHardwareAccelerated ? p.K & ~7 : 0;
        for (int i = 0; i < p.M; i++)
        {
            float* aRow = p.A + i * p.Lda;
            float* cRow = p.C + i * p.Ldc;
            for (int j = 0; j < p.N; j++)
            {
                float* bRow = p.B + j * p.Ldb;
                float acc = 0f;
                if (k8 > 0)
                {
                    Vector256<float> v = default;
                    for (int q = 0; q < k8; q += 8)
                        v = Vector256.FusedMultiplyAdd(Vector256.Load(aRow + q), Vector256.Load(bRow + q), v);
                    acc = Vector256.Sum(v);
                }
                for (int q = k8; q < p.K; q++) acc = MathF.FusedMultiplyAdd(aRow[q], bRow[q], acc);
                StoreOne(cRow + j, acc, p.Alpha, p.Beta);
            }
        }
    }

    /// <summary>Both transposed: plain strided loops (rare, and only for small sizes here).</summary>
    private static void RunScalar(in SgemmProblem p)
    {
        for (int i = 0; i < p.M; i++)
            for (int j = 0; j < p.N; j++)
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
