using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Conv;

/// <summary>
/// Unfolds one image group (C, H, W) into the column matrix (C·KH·KW, OutH·OutW) and folds it back.
/// Row r = (c·KH + kh)·KW + kw holds, for every output pixel, the input tap that kernel element
/// (c, kh, kw) sees (zero where it falls in the padding).
/// </summary>
/// <remarks>
/// Segments are short (an output row, often 10–30 elements), so the copies are open-coded with vectors
/// instead of going through memmove.
/// </remarks>
internal static class Im2Col
{
    /// <summary>col (C·KH·KW, OH·OW) = unfold(x (C, H, W)).</summary>
    public static void Pack<T>(in Conv2dGeometry g, int channels, ReadOnlySpan<T> x, Span<T> col)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.H, w = g.W, oh = g.OutH, ow = g.OutW, sh = g.StrideH, sw = g.StrideW;
        int plane = oh * ow;
        if (x.Length < channels * h * w || col.Length < channels * g.KH * g.KW * plane)
            throw new ArgumentException("Im2Col: spans shorter than the geometry");
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T dst = ref MemoryMarshal.GetReference(col);
        for (int c = 0; c < channels; c++)
        {
            ref T xc = ref Unsafe.Add(ref xr, c * h * w);
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ihOff = kh * g.DilationH - g.PadH;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int iwOff = kw * g.DilationW - g.PadW;
                    (int lo, int hi) = ValidRange(iwOff, sw, w, ow);
                    for (int o = 0; o < oh; o++, dst = ref Unsafe.Add(ref dst, ow))
                    {
                        int ih = o * sh + ihOff;
                        if ((uint)ih >= (uint)h || lo >= hi)
                        {
                            Zero(ref dst, ow);
                            continue;
                        }
                        for (int j = 0; j < lo; j++) Unsafe.Add(ref dst, j) = T.Zero;
                        for (int j = hi; j < ow; j++) Unsafe.Add(ref dst, j) = T.Zero;
                        ref T src = ref Unsafe.Add(ref xc, ih * w + lo * sw + iwOff);
                        if (sw == 1)
                        {
                            Copy(ref src, ref Unsafe.Add(ref dst, lo), hi - lo);
                        }
                        else
                        {
                            for (int j = lo, s = 0; j < hi; j++, s += sw) Unsafe.Add(ref dst, j) = Unsafe.Add(ref src, s);
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
        if (x.Length < channels * h * w || col.Length < channels * g.KH * g.KW * plane)
            throw new ArgumentException("Im2Col: spans shorter than the geometry");
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T src = ref MemoryMarshal.GetReference(col);
        for (int c = 0; c < channels; c++)
        {
            ref T xc = ref Unsafe.Add(ref xr, c * h * w);
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ihOff = kh * g.DilationH - g.PadH;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int iwOff = kw * g.DilationW - g.PadW;
                    (int lo, int hi) = ValidRange(iwOff, sw, w, ow);
                    for (int o = 0; o < oh; o++, src = ref Unsafe.Add(ref src, ow))
                    {
                        int ih = o * sh + ihOff;
                        if ((uint)ih >= (uint)h || lo >= hi) continue;
                        ref T d = ref Unsafe.Add(ref xc, ih * w + lo * sw + iwOff);
                        if (sw == 1)
                        {
                            Add(ref Unsafe.Add(ref src, lo), ref d, hi - lo);
                        }
                        else
                        {
                            for (int j = lo, s = 0; j < hi; j++, s += sw) Unsafe.Add(ref d, s) += Unsafe.Add(ref src, j);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy<T>(ref T src, ref T dst, int n) where T : unmanaged
    {
        int v = Vector256<T>.Count;
        if (Vector256.IsHardwareAccelerated && n >= v)
        {
            int i = 0;
            for (; i + v <= n; i += v) Vector256.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
            // Overlapping last vector: rewrites a few elements with the same values.
            if (i < n) Vector256.LoadUnsafe(ref src, (nuint)(n - v)).StoreUnsafe(ref dst, (nuint)(n - v));
            return;
        }
        for (int i = 0; i < n; i++) Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add<T>(ref T src, ref T dst, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = Vector256<T>.Count, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + v <= n; i += v)
                (Vector256.LoadUnsafe(ref dst, (nuint)i) + Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref dst, i) += Unsafe.Add(ref src, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Zero<T>(ref T dst, int n) where T : unmanaged
    {
        int v = Vector256<T>.Count;
        if (Vector256.IsHardwareAccelerated && n >= v)
        {
            int i = 0;
            for (; i + v <= n; i += v) Vector256<T>.Zero.StoreUnsafe(ref dst, (nuint)i);
            if (i < n) Vector256<T>.Zero.StoreUnsafe(ref dst, (nuint)(n - v));
            return;
        }
        for (int i = 0; i < n; i++) Unsafe.Add(ref dst, i) = default;
    }
}
