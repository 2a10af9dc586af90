using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Pool;

/// <summary>
/// 2-D max pooling over contiguous NCHW spans, as PyTorch's max_pool2d: padding acts as −∞, NaN wins,
/// ties keep the first element in row-major window order. Indices are flat positions in the input's H·W plane.
/// </summary>
internal static class MaxPool2d
{
    /// <summary>output (N, C, OutH, OutW) = window maxima of input (N, C, H, W); indices (same shape) get the argmax
    /// as ih·W + iw. Pass an empty <paramref name="indices"/> when no backward pass follows. Outputs are overwritten.</summary>
    /// <exception cref="ArgumentException">When a span length does not match the geometry.</exception>
    public static void Forward(in Pool2dGeometry g, ReadOnlySpan<float> input, Span<float> output, Span<long> indices)
        => ForwardCore(g, input, output, indices);

    /// <summary>Double-precision <see cref="Forward(in Pool2dGeometry, ReadOnlySpan{float}, Span{float}, Span{long})"/>.</summary>
    /// <exception cref="ArgumentException">When a span length does not match the geometry.</exception>
    public static void Forward(in Pool2dGeometry g, ReadOnlySpan<double> input, Span<double> output, Span<long> indices)
        => ForwardCore(g, input, output, indices);

    /// <summary>gradInput (N, C, H, W) = zeros, then gradOutput scattered (added) to the argmax positions from <see cref="Forward(in Pool2dGeometry, ReadOnlySpan{float}, Span{float}, Span{long})"/>.
    /// gradInput is overwritten.</summary>
    /// <exception cref="ArgumentException">When a span length does not match the geometry.</exception>
    public static void Backward(in Pool2dGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<long> indices, Span<float> gradInput)
        => BackwardCore(g, gradOutput, indices, gradInput);

    /// <summary>Double-precision <see cref="Backward(in Pool2dGeometry, ReadOnlySpan{float}, ReadOnlySpan{long}, Span{float})"/>.</summary>
    /// <exception cref="ArgumentException">When a span length does not match the geometry.</exception>
    public static void Backward(in Pool2dGeometry g, ReadOnlySpan<double> gradOutput, ReadOnlySpan<long> indices, Span<double> gradInput)
        => BackwardCore(g, gradOutput, indices, gradInput);

    /// <summary><see cref="Forward(in Pool2dGeometry, ReadOnlySpan{float}, Span{float}, Span{long})"/> for a float or double element type chosen by the caller's dispatch.</summary>
    public static void Forward<T>(in Pool2dGeometry g, ReadOnlySpan<T> input, Span<T> output, Span<long> indices) where T : unmanaged, IFloatingPointIeee754<T>
        => ForwardCore(g, input, output, indices);

    /// <summary><see cref="Backward(in Pool2dGeometry, ReadOnlySpan{float}, ReadOnlySpan{long}, Span{float})"/> for a float or double element type.</summary>
    public static void Backward<T>(in Pool2dGeometry g, ReadOnlySpan<T> gradOutput, ReadOnlySpan<long> indices, Span<T> gradInput) where T : unmanaged, IFloatingPointIeee754<T>
        => BackwardCore(g, gradOutput, indices, gradInput);

    private static unsafe void ForwardCore<T>(Pool2dGeometry g, ReadOnlySpan<T> input, Span<T> output, Span<long> indices)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.EnsureInitialized("MaxPool2d");
        PoolChecks.Length("MaxPool2d", input.Length, g.InputLength, "input");
        PoolChecks.Length("MaxPool2d", output.Length, g.OutputLength, "output");
        bool wantIdx = !indices.IsEmpty;
        if (wantIdx) PoolChecks.Length("MaxPool2d", indices.Length, g.OutputLength, "indices");

        fixed (T* px = input, py = output)
        fixed (long* pi = indices)
        {
            nint x = (nint)px, y = (nint)py, ix = (nint)pi;
            long work = (long)g.OutH * g.OutW * g.KH * g.KW;
            ParallelRuntime.For(0, (long)g.N * g.C, PoolChecks.PlaneGrain(work), (s, e) =>
            {
                int inPlane = g.H * g.W, outPlane = g.OutH * g.OutW;
                for (long plane = s; plane < e; plane++)
                {
                    if (typeof(T) == typeof(float) && Avx2.IsSupported)
                    {
                        PlaneAvx2(g, (float*)x + plane * inPlane, (float*)y + plane * outPlane,
                            wantIdx ? (long*)ix + plane * outPlane : null);
                        continue;
                    }
                    var xp = new ReadOnlySpan<T>((T*)x + plane * inPlane, inPlane);
                    var yp = new Span<T>((T*)y + plane * outPlane, outPlane);
                    var ip = wantIdx ? new Span<long>((long*)ix + plane * outPlane, outPlane) : default;
                    Plane(g, xp, yp, ip, wantIdx);
                }
            });
        }
    }

    private static void Plane<T>(in Pool2dGeometry g, ReadOnlySpan<T> x, Span<T> y, Span<long> idx, bool wantIdx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.H, w = g.W, dh = g.DilationH, dw = g.DilationW;
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int hs = oh * g.StrideH - g.PadH;
            int he = Math.Min(hs + (g.KH - 1) * dh + 1, h);
            if (hs < 0) hs += (-hs + dh - 1) / dh * dh; // first tap inside the input
            for (int ow = 0; ow < g.OutW; ow++)
            {
                int ws = ow * g.StrideW - g.PadW;
                int we = Math.Min(ws + (g.KW - 1) * dw + 1, w);
                if (ws < 0) ws += (-ws + dw - 1) / dw * dw;
                T max = T.NegativeInfinity;
                long arg = -1;
                if (hs < he && ws < we)
                {
                    arg = hs * w + ws; // all −∞ still points at a real element
                    for (int ih = hs; ih < he; ih += dh)
                    {
                        ReadOnlySpan<T> row = x.Slice(ih * w);
                        for (int iw = ws; iw < we; iw += dw)
                        {
                            T v = row[iw];
                            if (v > max || T.IsNaN(v))
                            {
                                max = v;
                                arg = ih * w + iw;
                            }
                        }
                    }
                }
                int o = oh * g.OutW + ow;
                y[o] = max;
                if (wantIdx) idx[o] = arg;
            }
        }
    }

    /// <summary>
    /// <see cref="Plane{T}"/> for float, eight output columns at a time: each window tap is one masked gather, and the
    /// running max/argmax are updated with blends in the same tap order, so results and tie/NaN behaviour are identical
    /// (data-dependent branches are what makes the scalar loop slow on real data).
    /// </summary>
    private static unsafe void PlaneAvx2(in Pool2dGeometry g, float* x, float* y, long* idx)
    {
        int h = g.H, w = g.W, outW = g.OutW;
        Vector256<int> lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        Vector256<float> negInf = Vector256.Create(float.NegativeInfinity);
        Vector256<int> width = Vector256.Create(w), minusOne = Vector256.Create(-1);
        float* tmpY = stackalloc float[8];
        int* tmpI = stackalloc int[8];
        for (int oh = 0; oh < g.OutH; oh++)
        {
            for (int ow0 = 0; ow0 < outW; ow0 += 8)
            {
                int count = Math.Min(8, outW - ow0);
                Vector256<int> live = Vector256.LessThan(lane, Vector256.Create(count));
                Vector256<int> iwBase = (lane + Vector256.Create(ow0)) * g.StrideW - Vector256.Create(g.PadW);
                Vector256<float> max = negInf;
                Vector256<int> arg = minusOne;
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int ih = oh * g.StrideH - g.PadH + kh * g.DilationH;
                    if ((uint)ih >= (uint)h) continue;
                    float* row = x + (long)ih * w;
                    Vector256<int> rowStart = Vector256.Create(ih * w);
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        Vector256<int> iw = iwBase + Vector256.Create(kw * g.DilationW);
                        Vector256<int> valid = live & ~Vector256.LessThan(iw, Vector256<int>.Zero) & Vector256.LessThan(iw, width);
                        Vector256<float> v = Tap(row, iw, valid, w, g.StrideW, ow0 * g.StrideW - g.PadW + kw * g.DilationW, negInf);
                        Vector256<int> better = (Avx.Compare(v, max, FloatComparisonMode.OrderedGreaterThanNonSignaling)
                            | Avx.Compare(v, v, FloatComparisonMode.UnorderedNonSignaling)).AsInt32()
                            | Vector256.LessThan(arg, Vector256<int>.Zero);
                        Vector256<int> take = valid & better;
                        max = Avx.BlendVariable(max, v, take.AsSingle());
                        arg = Avx.BlendVariable(arg.AsSingle(), (rowStart + iw).AsSingle(), take.AsSingle()).AsInt32();
                    }
                }
                float* yo = y + (long)oh * outW + ow0;
                long* io = idx == null ? null : idx + (long)oh * outW + ow0;
                if (count == 8)
                {
                    max.Store(yo);
                    if (io != null)
                    {
                        Avx2.ConvertToVector256Int64(arg.GetLower()).Store(io);
                        Avx2.ConvertToVector256Int64(arg.GetUpper()).Store(io + 4);
                    }
                }
                else
                {
                    max.Store(tmpY);
                    arg.Store(tmpI);
                    for (int j = 0; j < count; j++)
                    {
                        yo[j] = tmpY[j];
                        if (io != null) io[j] = tmpI[j];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Row values at columns iw (lanes where valid is clear are don't-care). Strides 1 and 2 use masked contiguous
    /// loads (stride 2 then keeps the even elements); other strides gather, which is slower on current cores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Tap(float* row, Vector256<int> iw, Vector256<int> valid, int w, int stride, int start,
        Vector256<float> fill)
    {
        if (stride == 1) return Avx.MaskLoad(row + start, valid.AsSingle());
        if (stride == 2)
        {
            Vector256<int> pos = Vector256.Create(start) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            Vector256<int> width = Vector256.Create(w), eight = Vector256.Create(8);
            Vector256<int> inLo = ~Vector256.LessThan(pos, Vector256<int>.Zero) & Vector256.LessThan(pos, width);
            Vector256<int> inHi = ~Vector256.LessThan(pos + eight, Vector256<int>.Zero) & Vector256.LessThan(pos + eight, width);
            Vector256<int> evensFirst = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
            Vector256<float> lo = Avx2.PermuteVar8x32(Avx.MaskLoad(row + start, inLo.AsSingle()), evensFirst);
            Vector256<float> hi = Avx2.PermuteVar8x32(Avx.MaskLoad(row + start + 8, inHi.AsSingle()), evensFirst);
            return Avx.Permute2x128(lo, hi, 0x20);
        }
        return Avx2.GatherMaskVector256(fill, row, iw, valid.AsSingle(), 4);
    }

    private static unsafe void BackwardCore<T>(Pool2dGeometry g, ReadOnlySpan<T> gradOutput, ReadOnlySpan<long> indices, Span<T> gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.EnsureInitialized("MaxPool2d");
        PoolChecks.Length("MaxPool2d", gradOutput.Length, g.OutputLength, "gradOutput");
        PoolChecks.Length("MaxPool2d", indices.Length, g.OutputLength, "indices");
        PoolChecks.Length("MaxPool2d", gradInput.Length, g.InputLength, "gradInput");

        fixed (T* pdy = gradOutput, pdx = gradInput)
        fixed (long* pi = indices)
        {
            nint dy = (nint)pdy, dx = (nint)pdx, ix = (nint)pi;
            ParallelRuntime.For(0, (long)g.N * g.C, PoolChecks.PlaneGrain((long)g.H * g.W + g.OutH * g.OutW), (s, e) =>
            {
                int inPlane = g.H * g.W, outPlane = g.OutH * g.OutW;
                for (long plane = s; plane < e; plane++)
                {
                    var go = new ReadOnlySpan<T>((T*)dy + plane * outPlane, outPlane);
                    var ip = new ReadOnlySpan<long>((long*)ix + plane * outPlane, outPlane);
                    var gi = new Span<T>((T*)dx + plane * inPlane, inPlane);
                    gi.Clear();
                    for (int o = 0; o < outPlane; o++)
                    {
                        long i = ip[o];
                        if (i >= 0) gi[checked((int)i)] += go[o];
                    }
                }
            });
        }
    }
}
