using System.Numerics;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Pool;

/// <summary>
/// 2-D max pooling over contiguous NCHW spans, as PyTorch's max_pool2d: padding acts as −∞, NaN wins,
/// ties keep the first element in row-major window order. Indices are flat positions in the input's H·W plane.
/// </summary>
public static class MaxPool2d
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
