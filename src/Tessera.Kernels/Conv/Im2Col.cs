using System.Numerics;
using System.Numerics.Tensors;

namespace Tessera.Kernels.Conv;

/// <summary>
/// Unfolds one image group (C, H, W) into the column matrix (C·KH·KW, OutH·OutW) and folds it back.
/// Row r = (c·KH + kh)·KW + kw holds, for every output pixel, the input tap that kernel element
/// (c, kh, kw) sees (zero where it falls in the padding).
/// </summary>
internal static class Im2Col
{
    /// <summary>col (C·KH·KW, OH·OW) = unfold(x (C, H, W)).</summary>
    public static void Pack<T>(in Conv2dGeometry g, int channels, ReadOnlySpan<T> x, Span<T> col)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.H, w = g.W, oh = g.OutH, ow = g.OutW, sh = g.StrideH, sw = g.StrideW;
        int plane = oh * ow;
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<T> xc = x.Slice(c * h * w, h * w);
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ihOff = kh * g.DilationH - g.PadH;
                for (int kw = 0; kw < g.KW; kw++, row++)
                {
                    int iwOff = kw * g.DilationW - g.PadW;
                    (int lo, int hi) = ValidRange(iwOff, sw, w, ow);
                    Span<T> dst = col.Slice(row * plane, plane);
                    for (int o = 0; o < oh; o++)
                    {
                        Span<T> d = dst.Slice(o * ow, ow);
                        int ih = o * sh + ihOff;
                        if ((uint)ih >= (uint)h || lo >= hi)
                        {
                            d.Clear();
                            continue;
                        }
                        if (lo > 0) d[..lo].Clear();
                        if (hi < ow) d[hi..].Clear();
                        ReadOnlySpan<T> src = xc.Slice(ih * w);
                        int start = lo * sw + iwOff;
                        if (sw == 1)
                        {
                            src.Slice(start, hi - lo).CopyTo(d[lo..hi]);
                        }
                        else
                        {
                            for (int j = lo, iw = start; j < hi; j++, iw += sw) d[j] = src[iw];
                        }
                    }
                }
            }
        }
    }

    /// <summary>x (C, H, W) += fold(col (C·KH·KW, OH·OW)); the adjoint of <see cref="Pack{T}"/>. Fixed summation order.</summary>
    public static void UnpackAdd<T>(in Conv2dGeometry g, int channels, ReadOnlySpan<T> col, Span<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.H, w = g.W, oh = g.OutH, ow = g.OutW, sh = g.StrideH, sw = g.StrideW;
        int plane = oh * ow;
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            Span<T> xc = x.Slice(c * h * w, h * w);
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ihOff = kh * g.DilationH - g.PadH;
                for (int kw = 0; kw < g.KW; kw++, row++)
                {
                    int iwOff = kw * g.DilationW - g.PadW;
                    (int lo, int hi) = ValidRange(iwOff, sw, w, ow);
                    if (lo >= hi) continue;
                    ReadOnlySpan<T> srcRow = col.Slice(row * plane, plane);
                    for (int o = 0; o < oh; o++)
                    {
                        int ih = o * sh + ihOff;
                        if ((uint)ih >= (uint)h) continue;
                        ReadOnlySpan<T> s = srcRow.Slice(o * ow + lo, hi - lo);
                        Span<T> dst = xc.Slice(ih * w);
                        int start = lo * sw + iwOff;
                        if (sw == 1)
                        {
                            Span<T> d = dst.Slice(start, hi - lo);
                            TensorPrimitives.Add(d, s, d);
                        }
                        else
                        {
                            for (int j = 0, iw = start; j < s.Length; j++, iw += sw) dst[iw] += s[j];
                        }
                    }
                }
            }
        }
    }

    /// <summary>Output columns [lo, hi) whose tap o·stride + offset lands inside [0, size).</summary>
    private static (int Lo, int Hi) ValidRange(int offset, int stride, int size, int outSize)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int last = size - 1 - offset; // largest o·stride allowed
        int hi = last < 0 ? 0 : Math.Min(outSize, last / stride + 1);
        return (Math.Min(lo, outSize), Math.Max(hi, 0));
    }
}
