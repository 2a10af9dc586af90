using System.Buffers;

namespace Tessera.Kernels.Conv;

/// <summary>
/// Float convolution paths that skip the column matrix by reading the (padded) image through offset tables:
/// kernel tap (c, kh, kw) of a stride-1 convolution is the image shifted by c·Hp·Wp + kh·dh·Wp + kw·dw.
/// </summary>
/// <remarks>
/// <para>Forward ("wide" output): with stride 1, output pixel (oh, ow) reads padded-image position
/// q + shift(tap) where q = oh·Wp + ow. Computing every q in [0, (OH−1)·Wp + OW) makes each GEMM row of B a
/// contiguous run of the image; the Wp − OW columns per row that are not real outputs are computed and dropped.
/// That costs Wp/OW extra work (1.1–1.4x on LeNet) but no im2col pass, which costs more.</para>
/// <para>Weight gradient ("gather"): dWᵀ(tap, co) = Σ over pixels of image[pixel origin + shift(tap)] · dYᵀ(pixel, co),
/// a GEMM whose A is read straight from the image and whose B is dY transposed; vectorised over output channels,
/// so it is used when there are enough of them to fill vectors.</para>
/// </remarks>
internal static unsafe class Conv2dDirect
{
    /// <summary>Whether <see cref="ForwardWide"/> applies: stride 1, a real kernel, per-group work small enough for unpacked GEMM.</summary>
    public static bool UseWideForward(in Conv2dGeometry g)
    {
        if (!ConvGemm.DirectAvailable || g.StrideH != 1 || g.StrideW != 1 || g.IsPointwise) return false;
        int wp = g.W + 2 * g.PadW;
        long wideCols = (long)(g.OutH - 1) * wp + g.OutW;
        return (long)g.CoutPerGroup * g.ColRows * wideCols <= ConvGemm.DirectMaxMacs;
    }

    /// <summary>Whether <see cref="WeightGradGather"/> applies: enough output channels per group to fill vectors.</summary>
    public static bool UseGatherWeightGrad(in Conv2dGeometry g) =>
        ConvGemm.DirectAvailable && g.CoutPerGroup >= 12
        && (long)g.ColRows * g.ColCols * RoundUp8(g.CoutPerGroup) <= ConvGemm.DirectMaxMacs;

    /// <summary>y[first..end) = conv(x, w) + bias for stride-1 geometries (see type remarks). bias may be null.</summary>
    public static void ForwardWide(in Conv2dGeometry g, float* x, float* w, float* bias, float* y, int first, int end)
    {
        int cinG = g.CinPerGroup, coutG = g.CoutPerGroup, k = g.ColRows, p = g.ColCols;
        int hp = g.H + 2 * g.PadH, wp = g.W + 2 * g.PadW, oh = g.OutH, ow = g.OutW;
        int wideCols = (oh - 1) * wp + ow;
        bool padded = g.PadH > 0 || g.PadW > 0;
        bool direct = wp == ow; // no dropped columns: the wide output is the output

        int[] offArr = ArrayPool<int>.Shared.Rent(k);
        float[]? padArr = padded ? ArrayPool<float>.Shared.Rent(cinG * hp * wp) : null;
        float[]? wideArr = direct ? null : ArrayPool<float>.Shared.Rent(coutG * wideCols);
        try
        {
            TapOffsets(g, hp, wp, offArr);
            if (padArr is not null) Array.Clear(padArr, 0, cinG * hp * wp); // borders stay zero, interiors are rewritten
            fixed (int* off = offArr)
            fixed (float* pad = padArr, wide = wideArr)
            {
                for (int n = first; n < end; n++)
                {
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        float* xg = x + ((long)n * g.Cin + grp * cinG) * g.H * g.W;
                        float* yg = y + ((long)n * g.Cout + grp * coutG) * p;
                        float* src = xg;
                        if (padded)
                        {
                            CopyIntoPadded(g, cinG, xg, pad, hp, wp);
                            src = pad;
                        }
                        float* c = direct ? yg : wide;
                        ConvDirectGemm.MultiplyImplicit(coutG, wideCols, k, w + (long)grp * coutG * k, k, 1, null, null,
                            src, 0, off, c, wideCols, bias != null ? ConvDirectGemm.Init.RowBias : ConvDirectGemm.Init.Zero,
                            bias != null ? bias + grp * coutG : null);
                        if (!direct)
                        {
                            for (int co = 0; co < coutG; co++)
                                for (int r = 0; r < oh; r++)
                                    new ReadOnlySpan<float>(wide + (long)co * wideCols + r * wp, ow)
                                        .CopyTo(new Span<float>(yg + (long)co * p + r * ow, ow));
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offArr);
            if (padArr is not null) ArrayPool<float>.Shared.Return(padArr);
            if (wideArr is not null) ArrayPool<float>.Shared.Return(wideArr);
        }
    }

    /// <summary>dw (Cout, Cin/G, KH, KW) = Σ over images [first, end) of the weight gradient (overwritten). Any stride.</summary>
    public static void WeightGradGather(in Conv2dGeometry g, float* x, float* dy, float* dw, int first, int end)
    {
        int cinG = g.CinPerGroup, coutG = g.CoutPerGroup, k = g.ColRows, p = g.ColCols;
        int hp = g.H + 2 * g.PadH, wp = g.W + 2 * g.PadW;
        int cpad = RoundUp8(coutG);
        bool padded = g.PadH > 0 || g.PadW > 0;
        int accLen = g.Groups * k * cpad;

        int[] offArr = ArrayPool<int>.Shared.Rent(k + p);
        float[]? padArr = padded ? ArrayPool<float>.Shared.Rent(cinG * hp * wp) : null;
        float[] dytArr = ArrayPool<float>.Shared.Rent(p * cpad);
        float[] accArr = ArrayPool<float>.Shared.Rent(accLen);
        try
        {
            TapOffsets(g, hp, wp, offArr);
            for (int oh = 0, i = k; oh < g.OutH; oh++)
                for (int ow = 0; ow < g.OutW; ow++, i++)
                    offArr[i] = oh * g.StrideH * wp + ow * g.StrideW;
            if (padArr is not null) Array.Clear(padArr, 0, cinG * hp * wp);
            if (cpad != coutG) Array.Clear(dytArr, 0, p * cpad); // padding channels stay zero
            fixed (int* off = offArr)
            fixed (float* pad = padArr, dyt = dytArr, acc = accArr)
            {
                int* pixOff = off + k;
                for (int n = first; n < end; n++)
                {
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        float* xg = x + ((long)n * g.Cin + grp * cinG) * g.H * g.W;
                        float* dyg = dy + ((long)n * g.Cout + grp * coutG) * p; // (CoutG, P)
                        float* src = xg;
                        if (padded)
                        {
                            CopyIntoPadded(g, cinG, xg, pad, hp, wp);
                            src = pad;
                        }
                        for (int co = 0; co < coutG; co++)
                        {
                            float* s = dyg + (long)co * p;
                            for (int i = 0; i < p; i++) dyt[i * cpad + co] = s[i];
                        }
                        // accᵀ (K, Cpad) (+)= image-at-taps (K, P) · dYᵀ (P, Cpad)
                        ConvDirectGemm.MultiplyImplicit(k, cpad, p, src, 0, 0, off, pixOff, dyt, cpad, null,
                            acc + (long)grp * k * cpad, cpad, n == first ? ConvDirectGemm.Init.Zero : ConvDirectGemm.Init.Accumulate, null);
                    }
                }
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    float* a = acc + (long)grp * k * cpad;
                    float* d = dw + (long)grp * coutG * k;
                    for (int co = 0; co < coutG; co++)
                        for (int t = 0; t < k; t++)
                            d[(long)co * k + t] = a[(long)t * cpad + co];
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offArr);
            if (padArr is not null) ArrayPool<float>.Shared.Return(padArr);
            ArrayPool<float>.Shared.Return(dytArr);
            ArrayPool<float>.Shared.Return(accArr);
        }
    }

    private static int RoundUp8(int v) => (v + 7) & ~7;

    /// <summary>off[(c·KH + kh)·KW + kw] = c·Hp·Wp + kh·dh·Wp + kw·dw: where each tap sits relative to an output pixel's window origin.</summary>
    private static void TapOffsets(in Conv2dGeometry g, int hp, int wp, int[] off)
    {
        int t = 0;
        for (int c = 0; c < g.CinPerGroup; c++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++)
                    off[t++] = c * hp * wp + kh * g.DilationH * wp + kw * g.DilationW;
    }

    /// <summary>Copies the (C, H, W) image into the interior of the zero-bordered (C, Hp, Wp) buffer.</summary>
    private static void CopyIntoPadded(in Conv2dGeometry g, int channels, float* x, float* pad, int hp, int wp)
    {
        int h = g.H, w = g.W;
        for (int c = 0; c < channels; c++)
            for (int r = 0; r < h; r++)
                new ReadOnlySpan<float>(x + ((long)c * h + r) * w, w)
                    .CopyTo(new Span<float>(pad + ((long)c * hp + r + g.PadH) * wp + g.PadW, w));
    }
}
