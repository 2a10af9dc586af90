using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Kernels.Conv;

/// <summary>
/// Unpacked, register-blocked float GEMMs for the small per-image products of a convolution
/// (M = output channels, often 6–64), where a packing GEMM tuned for big tiles wastes most of its tile.
/// Two shapes: <see cref="MultiplyNN"/> broadcasts A and streams rows of B (forward, and input gradient
/// with A read transposed through strides), <see cref="MultiplyNT"/> takes dot products of rows (weight gradient).
/// </summary>
/// <remarks>
/// 256-bit vectors so the same code runs on AVX2 machines; on Zen 4 two 256-bit FMAs per cycle equal one 512-bit.
/// Row/column counts of the micro-tiles are compile-time constants through generic struct arguments, so every
/// edge tile gets its own fully unrolled body and the dead accumulators vanish.
/// </remarks>
internal static unsafe class ConvDirectGemm
{
    /// <summary>Whether the direct kernels can run here (AVX2 + FMA).</summary>
    public static bool IsSupported => Fma.IsSupported && Avx2.IsSupported;

    private const int NnRows = 6;  // NN tile: 6 rows x 16 columns = 12 accumulators
    private const int NtRowsA = 3; // NT tile: 3 rows of A x 4 rows of B = 12 accumulators
    private const int NtRowsB = 4;

    /// <summary>How C starts before the product is added.</summary>
    public enum Init
    {
        /// <summary>C = A·B.</summary>
        Zero,
        /// <summary>C += A·B.</summary>
        Accumulate,
        /// <summary>C[i, :] = bias[i] + A·B.</summary>
        RowBias,
    }

    /// <summary>
    /// C (m, n; row stride ldc) = init + A·B with A(i, p) = a[i·aRowStride + p·aColStride] (so Aᵀ is a stride swap)
    /// and B (k, n) row-major with row stride ldb.
    /// </summary>
    public static void MultiplyNN(int m, int n, int k, float* a, int aRowStride, int aColStride,
        float* b, int ldb, float* c, int ldc, Init init, float* bias)
        => MultiplyImplicit(m, n, k, a, aRowStride, aColStride, null, null, b, ldb, null, c, ldc, init, bias);

    /// <summary>
    /// The general form behind the convolution's implicit GEMMs: C (m, n) = init + A·B where
    /// row i of A starts at a + (aRowOff?[i] ?? i·aRowStride), A(i, p) = rowStart[aKOff?[p] ?? p·aColStride],
    /// and row p of B starts at b + (bRowOff?[p] ?? p·ldb). Offset tables let A or B be read straight out of an
    /// image (each kernel tap or output pixel a fixed shift) instead of a materialised column matrix.
    /// </summary>
    public static void MultiplyImplicit(int m, int n, int k, float* a, int aRowStride, int aColStride, int* aRowOff, int* aKOff,
        float* b, int ldb, int* bRowOff, float* c, int ldc, Init init, float* bias)
    {
        if (aKOff != null)
        {
            if (bRowOff != null) BlocksNN<True, True>(m, n, k, a, aRowStride, aColStride, aRowOff, aKOff, b, ldb, bRowOff, c, ldc, init, bias);
            else BlocksNN<True, False>(m, n, k, a, aRowStride, aColStride, aRowOff, aKOff, b, ldb, bRowOff, c, ldc, init, bias);
        }
        else
        {
            if (bRowOff != null) BlocksNN<False, True>(m, n, k, a, aRowStride, aColStride, aRowOff, aKOff, b, ldb, bRowOff, c, ldc, init, bias);
            else BlocksNN<False, False>(m, n, k, a, aRowStride, aColStride, aRowOff, aKOff, b, ldb, bRowOff, c, ldc, init, bias);
        }
    }

    private static void BlocksNN<TAK, TBK>(int m, int n, int k, float* a, int ars, int acs, int* aRowOff, int* aKOff,
        float* b, int ldb, int* bRowOff, float* c, int ldc, Init init, float* bias)
        where TAK : struct, IFlag where TBK : struct, IFlag
    {
        // Row pointers of A for each tile start; at most NnRows per tile.
        float** rows = stackalloc float*[NnRows];
        int j = 0;
        for (; j + 16 <= n; j += 16)
        {
            for (int i = 0; i < m; i += NnRows)
            {
                int r = Math.Min(NnRows, m - i);
                for (int t = 0; t < r; t++) rows[t] = a + (aRowOff != null ? aRowOff[i + t] : (nint)(i + t) * ars);
                DispatchNN<False, TAK, TBK>(r, k, rows, acs, aKOff, b + j, ldb, bRowOff, c + (nint)i * ldc + j, ldc, init, bias + i, default, default);
            }
        }
        if (j < n)
        {
            int rest = n - j;
            Vector256<float> m0 = TailMask(Math.Min(rest, 8)), m1 = TailMask(Math.Max(rest - 8, 0));
            for (int i = 0; i < m; i += NnRows)
            {
                int r = Math.Min(NnRows, m - i);
                for (int t = 0; t < r; t++) rows[t] = a + (aRowOff != null ? aRowOff[i + t] : (nint)(i + t) * ars);
                DispatchNN<True, TAK, TBK>(r, k, rows, acs, aKOff, b + j, ldb, bRowOff, c + (nint)i * ldc + j, ldc, init, bias + i, m0, m1);
            }
        }
    }

    /// <summary>C (m, n; row stride ldc) (+)= A·Bᵀ with A (m, k) and B (n, k) row-major (row strides lda, ldb).</summary>
    public static void MultiplyNT(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        int kv = k & ~7;
        Vector256<float> tail = TailMask(k - kv);
        for (int i = 0; i < m; i += NtRowsA)
        {
            int ra = Math.Min(NtRowsA, m - i);
            for (int j = 0; j < n; j += NtRowsB)
            {
                int rb = Math.Min(NtRowsB, n - j);
                float* ap = a + (nint)i * lda, bp = b + (nint)j * ldb, cp = c + (nint)i * ldc + j;
                switch (ra * 8 + rb)
                {
                    case 3 * 8 + 4: KernelNT<C3, C4>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    case 3 * 8 + 3: KernelNT<C3, C3>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    case 3 * 8 + 2: KernelNT<C3, C2>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    case 3 * 8 + 1: KernelNT<C3, C1>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    case 2 * 8 + 4: KernelNT<C2, C4>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    case 2 * 8 + 3: KernelNT<C2, C3>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    case 2 * 8 + 2: KernelNT<C2, C2>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    case 2 * 8 + 1: KernelNT<C2, C1>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    case 1 * 8 + 4: KernelNT<C1, C4>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    case 1 * 8 + 3: KernelNT<C1, C3>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    case 1 * 8 + 2: KernelNT<C1, C2>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                    default: KernelNT<C1, C1>(kv, k, ap, lda, bp, ldb, cp, ldc, accumulate, tail); break;
                }
            }
        }
    }

    private static Vector256<float> TailMask(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();

    private static void DispatchNN<TTail, TAK, TBK>(int rows, int k, float** a, int acs, int* aKOff, float* b, int ldb, int* bRowOff,
        float* c, int ldc, Init init, float* bias, Vector256<float> m0, Vector256<float> m1)
        where TTail : struct, IFlag where TAK : struct, IFlag where TBK : struct, IFlag
    {
        switch (rows)
        {
            case 6: KernelNN<C6, TTail, TAK, TBK>(k, a, acs, aKOff, b, ldb, bRowOff, c, ldc, init, bias, m0, m1); break;
            case 5: KernelNN<C5, TTail, TAK, TBK>(k, a, acs, aKOff, b, ldb, bRowOff, c, ldc, init, bias, m0, m1); break;
            case 4: KernelNN<C4, TTail, TAK, TBK>(k, a, acs, aKOff, b, ldb, bRowOff, c, ldc, init, bias, m0, m1); break;
            case 3: KernelNN<C3, TTail, TAK, TBK>(k, a, acs, aKOff, b, ldb, bRowOff, c, ldc, init, bias, m0, m1); break;
            case 2: KernelNN<C2, TTail, TAK, TBK>(k, a, acs, aKOff, b, ldb, bRowOff, c, ldc, init, bias, m0, m1); break;
            default: KernelNN<C1, TTail, TAK, TBK>(k, a, acs, aKOff, b, ldb, bRowOff, c, ldc, init, bias, m0, m1); break;
        }
    }

    /// <summary>
    /// C(R, 16) = init + A(R, k)·B(k, 16); with TTail the 16 columns are cut by masks m0 | m1.
    /// A(r, p) = a[r][TAK ? aKOff[p] : p·acs]; B row p = b + (TBK ? bRowOff[p] : p·ldb).
    /// </summary>
    [SkipLocalsInit]
    private static void KernelNN<TR, TTail, TAK, TBK>(int k, float** a, int acs, int* aKOff, float* b, int ldb, int* bRowOff,
        float* c, int ldc, Init init, float* bias, Vector256<float> m0, Vector256<float> m1)
        where TR : struct, IConst where TTail : struct, IFlag where TAK : struct, IFlag where TBK : struct, IFlag
    {
        int r = TR.Value;
        Vector256<float> c00, c01, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (init == Init.Zero)
        {
            c00 = c01 = default;
        }
        else if (init == Init.RowBias)
        {
            c00 = c01 = Vector256.Create(bias[0]);
            if (r > 1) c10 = c11 = Vector256.Create(bias[1]);
            if (r > 2) c20 = c21 = Vector256.Create(bias[2]);
            if (r > 3) c30 = c31 = Vector256.Create(bias[3]);
            if (r > 4) c40 = c41 = Vector256.Create(bias[4]);
            if (r > 5) c50 = c51 = Vector256.Create(bias[5]);
        }
        else
        {
            c00 = Load<TTail>(c, m0); c01 = Load<TTail>(c + 8, m1);
            if (r > 1) { c10 = Load<TTail>(c + ldc, m0); c11 = Load<TTail>(c + ldc + 8, m1); }
            if (r > 2) { c20 = Load<TTail>(c + 2 * ldc, m0); c21 = Load<TTail>(c + 2 * ldc + 8, m1); }
            if (r > 3) { c30 = Load<TTail>(c + 3 * ldc, m0); c31 = Load<TTail>(c + 3 * ldc + 8, m1); }
            if (r > 4) { c40 = Load<TTail>(c + 4 * ldc, m0); c41 = Load<TTail>(c + 4 * ldc + 8, m1); }
            if (r > 5) { c50 = Load<TTail>(c + 5 * ldc, m0); c51 = Load<TTail>(c + 5 * ldc + 8, m1); }
        }

        float* a0 = a[0], a1 = r > 1 ? a[1] : a0, a2 = r > 2 ? a[2] : a0, a3 = r > 3 ? a[3] : a0, a4 = r > 4 ? a[4] : a0, a5 = r > 5 ? a[5] : a0;
        nint step = acs, ak = 0;
        float* bp = b;
        for (int p = 0; p < k; p++)
        {
            if (TAK.Value) ak = aKOff[p];
            if (TBK.Value) bp = b + bRowOff[p];
            Vector256<float> b0 = Load<TTail>(bp, m0), b1 = Load<TTail>(bp + 8, m1), t;
            t = Vector256.Create(a0[ak]); c00 = Fma.MultiplyAdd(t, b0, c00); c01 = Fma.MultiplyAdd(t, b1, c01);
            if (r > 1) { t = Vector256.Create(a1[ak]); c10 = Fma.MultiplyAdd(t, b0, c10); c11 = Fma.MultiplyAdd(t, b1, c11); }
            if (r > 2) { t = Vector256.Create(a2[ak]); c20 = Fma.MultiplyAdd(t, b0, c20); c21 = Fma.MultiplyAdd(t, b1, c21); }
            if (r > 3) { t = Vector256.Create(a3[ak]); c30 = Fma.MultiplyAdd(t, b0, c30); c31 = Fma.MultiplyAdd(t, b1, c31); }
            if (r > 4) { t = Vector256.Create(a4[ak]); c40 = Fma.MultiplyAdd(t, b0, c40); c41 = Fma.MultiplyAdd(t, b1, c41); }
            if (r > 5) { t = Vector256.Create(a5[ak]); c50 = Fma.MultiplyAdd(t, b0, c50); c51 = Fma.MultiplyAdd(t, b1, c51); }
            if (!TAK.Value) ak += step;
            if (!TBK.Value) bp += ldb;
        }

        Store<TTail>(c, m0, c00); Store<TTail>(c + 8, m1, c01);
        if (r > 1) { Store<TTail>(c + ldc, m0, c10); Store<TTail>(c + ldc + 8, m1, c11); }
        if (r > 2) { Store<TTail>(c + 2 * ldc, m0, c20); Store<TTail>(c + 2 * ldc + 8, m1, c21); }
        if (r > 3) { Store<TTail>(c + 3 * ldc, m0, c30); Store<TTail>(c + 3 * ldc + 8, m1, c31); }
        if (r > 4) { Store<TTail>(c + 4 * ldc, m0, c40); Store<TTail>(c + 4 * ldc + 8, m1, c41); }
        if (r > 5) { Store<TTail>(c + 5 * ldc, m0, c50); Store<TTail>(c + 5 * ldc + 8, m1, c51); }
    }

    /// <summary>C(RA, RB) (+)= A(RA, k)·B(RB, k)ᵀ, each entry a dot product along k: kv full vectors then a masked tail.</summary>
    [SkipLocalsInit]
    private static void KernelNT<TRA, TRB>(int kv, int k, float* a, int lda, float* b, int ldb, float* c, int ldc,
        bool accumulate, Vector256<float> tailMask)
        where TRA : struct, IConst where TRB : struct, IConst
    {
        int ra = TRA.Value, rb = TRB.Value;
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector256<float> s20 = default, s21 = default, s22 = default, s23 = default;
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda;
        float* b0 = b, b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb;
        int p = 0;
        for (; p < kv; p += 8)
        {
            Vector256<float> x0 = Avx.LoadVector256(a0 + p), x1 = default, x2 = default;
            if (ra > 1) x1 = Avx.LoadVector256(a1 + p);
            if (ra > 2) x2 = Avx.LoadVector256(a2 + p);
            Vector256<float> y = Avx.LoadVector256(b0 + p);
            s00 = Fma.MultiplyAdd(x0, y, s00);
            if (ra > 1) s10 = Fma.MultiplyAdd(x1, y, s10);
            if (ra > 2) s20 = Fma.MultiplyAdd(x2, y, s20);
            if (rb > 1)
            {
                y = Avx.LoadVector256(b1 + p);
                s01 = Fma.MultiplyAdd(x0, y, s01);
                if (ra > 1) s11 = Fma.MultiplyAdd(x1, y, s11);
                if (ra > 2) s21 = Fma.MultiplyAdd(x2, y, s21);
            }
            if (rb > 2)
            {
                y = Avx.LoadVector256(b2 + p);
                s02 = Fma.MultiplyAdd(x0, y, s02);
                if (ra > 1) s12 = Fma.MultiplyAdd(x1, y, s12);
                if (ra > 2) s22 = Fma.MultiplyAdd(x2, y, s22);
            }
            if (rb > 3)
            {
                y = Avx.LoadVector256(b3 + p);
                s03 = Fma.MultiplyAdd(x0, y, s03);
                if (ra > 1) s13 = Fma.MultiplyAdd(x1, y, s13);
                if (ra > 2) s23 = Fma.MultiplyAdd(x2, y, s23);
            }
        }
        if (p < k)
        {
            // Masked lanes load as zero (and cannot fault), so they add nothing.
            Vector256<float> x0 = Avx.MaskLoad(a0 + p, tailMask), x1 = default, x2 = default;
            if (ra > 1) x1 = Avx.MaskLoad(a1 + p, tailMask);
            if (ra > 2) x2 = Avx.MaskLoad(a2 + p, tailMask);
            Vector256<float> y = Avx.MaskLoad(b0 + p, tailMask);
            s00 = Fma.MultiplyAdd(x0, y, s00);
            if (ra > 1) s10 = Fma.MultiplyAdd(x1, y, s10);
            if (ra > 2) s20 = Fma.MultiplyAdd(x2, y, s20);
            if (rb > 1)
            {
                y = Avx.MaskLoad(b1 + p, tailMask);
                s01 = Fma.MultiplyAdd(x0, y, s01);
                if (ra > 1) s11 = Fma.MultiplyAdd(x1, y, s11);
                if (ra > 2) s21 = Fma.MultiplyAdd(x2, y, s21);
            }
            if (rb > 2)
            {
                y = Avx.MaskLoad(b2 + p, tailMask);
                s02 = Fma.MultiplyAdd(x0, y, s02);
                if (ra > 1) s12 = Fma.MultiplyAdd(x1, y, s12);
                if (ra > 2) s22 = Fma.MultiplyAdd(x2, y, s22);
            }
            if (rb > 3)
            {
                y = Avx.MaskLoad(b3 + p, tailMask);
                s03 = Fma.MultiplyAdd(x0, y, s03);
                if (ra > 1) s13 = Fma.MultiplyAdd(x1, y, s13);
                if (ra > 2) s23 = Fma.MultiplyAdd(x2, y, s23);
            }
        }

        StoreRow<TRB>(c, accumulate, s00, s01, s02, s03);
        if (ra > 1) StoreRow<TRB>(c + ldc, accumulate, s10, s11, s12, s13);
        if (ra > 2) StoreRow<TRB>(c + 2 * ldc, accumulate, s20, s21, s22, s23);
    }

    /// <summary>c[0..RB) (+)= horizontal sums of s0..s3, reduced four at a time with pairwise adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TRB>(float* c, bool accumulate,
        Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3)
        where TRB : struct, IConst
    {
        // hadd(s0, s1) = [s0 pairs, s1 pairs] per 128-bit lane; two rounds leave each sum split across the two lanes.
        Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
        Vector128<float> sums = h.GetLower() + h.GetUpper(); // [Σs0, Σs1, Σs2, Σs3]
        int rb = TRB.Value;
        if (rb == 4)
        {
            if (accumulate) sums += Vector128.Load(c);
            sums.Store(c);
            return;
        }
        for (int j = 0; j < rb; j++) c[j] = accumulate ? c[j] + sums.GetElement(j) : sums.GetElement(j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load<TTail>(float* p, Vector256<float> mask) where TTail : struct, IFlag =>
        TTail.Value ? Avx.MaskLoad(p, mask) : Avx.LoadVector256(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TTail>(float* p, Vector256<float> mask, Vector256<float> v) where TTail : struct, IFlag
    {
        if (TTail.Value) Avx.MaskStore(p, mask, v);
        else Avx.Store(p, v);
    }

    internal interface IConst { static abstract int Value { get; } }
    internal interface IFlag { static abstract bool Value { get; } }
    private readonly struct C1 : IConst { public static int Value => 1; }
    private readonly struct C2 : IConst { public static int Value => 2; }
    private readonly struct C3 : IConst { public static int Value => 3; }
    private readonly struct C4 : IConst { public static int Value => 4; }
    private readonly struct C5 : IConst { public static int Value => 5; }
    private readonly struct C6 : IConst { public static int Value => 6; }
    private readonly struct True : IFlag { public static bool Value => true; }
    private readonly struct False : IFlag { public static bool Value => false; }
}
