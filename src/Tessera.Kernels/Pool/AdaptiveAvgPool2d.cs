using System.Numerics;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Pool;

/// <summary>
/// Adaptive 2-D average pooling over contiguous NCHW spans, as PyTorch's adaptive_avg_pool2d:
/// output row i averages input rows [floor(i·H/OutH), ceil((i+1)·H/OutH)), likewise for columns.
/// </summary>
internal static class AdaptiveAvgPool2d
{
    /// <summary>output (N, C, outH, outW) = bin averages of input (N, C, h, w). The output is overwritten.</summary>
    /// <exception cref="ArgumentException">When a size is not positive or a span length does not match.</exception>
    public static void Forward(int n, int c, int h, int w, int outH, int outW, ReadOnlySpan<float> input, Span<float> output)
        => ForwardCore(n, c, h, w, outH, outW, input, output);

    /// <summary>Double-precision <see cref="Forward(int, int, int, int, int, int, ReadOnlySpan{float}, Span{float})"/>.</summary>
    /// <exception cref="ArgumentException">When a size is not positive or a span length does not match.</exception>
    public static void Forward(int n, int c, int h, int w, int outH, int outW, ReadOnlySpan<double> input, Span<double> output)
        => ForwardCore(n, c, h, w, outH, outW, input, output);

    /// <summary>gradInput (N, C, h, w) = Σ over bins containing each element of gradOutput / bin size. gradInput is overwritten.</summary>
    /// <exception cref="ArgumentException">When a size is not positive or a span length does not match.</exception>
    public static void Backward(int n, int c, int h, int w, int outH, int outW, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
        => BackwardCore(n, c, h, w, outH, outW, gradOutput, gradInput);

    /// <summary>Double-precision <see cref="Backward(int, int, int, int, int, int, ReadOnlySpan{float}, Span{float})"/>.</summary>
    /// <exception cref="ArgumentException">When a size is not positive or a span length does not match.</exception>
    public static void Backward(int n, int c, int h, int w, int outH, int outW, ReadOnlySpan<double> gradOutput, Span<double> gradInput)
        => BackwardCore(n, c, h, w, outH, outW, gradOutput, gradInput);

    /// <summary><see cref="Forward(int, int, int, int, int, int, ReadOnlySpan{float}, Span{float})"/> for a float or double element type chosen by the caller's dispatch.</summary>
    public static void Forward<T>(int n, int c, int h, int w, int outH, int outW, ReadOnlySpan<T> input, Span<T> output) where T : unmanaged, IFloatingPointIeee754<T>
        => ForwardCore(n, c, h, w, outH, outW, input, output);

    /// <summary><see cref="Backward(int, int, int, int, int, int, ReadOnlySpan{float}, Span{float})"/> for a float or double element type.</summary>
    public static void Backward<T>(int n, int c, int h, int w, int outH, int outW, ReadOnlySpan<T> gradOutput, Span<T> gradInput) where T : unmanaged, IFloatingPointIeee754<T>
        => BackwardCore(n, c, h, w, outH, outW, gradOutput, gradInput);

    /// <summary>First input index of bin <paramref name="i"/> of <paramref name="outSize"/> over <paramref name="size"/>.</summary>
    internal static int Start(int i, int size, int outSize) => (int)((long)i * size / outSize);

    /// <summary>One past the last input index of bin <paramref name="i"/> (ceiling division).</summary>
    internal static int End(int i, int size, int outSize) => (int)(((long)(i + 1) * size + outSize - 1) / outSize);

    private static void Check(int n, int c, int h, int w, int outH, int outW, int inLength, int outLength)
    {
        Positive(n, "batch size");
        Positive(c, "channels");
        Positive(h, "input height");
        Positive(w, "input width");
        Positive(outH, "output height");
        Positive(outW, "output width");
        if ((long)n * c * h * w > int.MaxValue || (long)n * c * outH * outW > int.MaxValue)
            throw new ArgumentException("AdaptiveAvgPool2d: tensors exceed 2^31 elements");
        PoolChecks.Length("AdaptiveAvgPool2d", inLength, n * c * h * w, "input");
        PoolChecks.Length("AdaptiveAvgPool2d", outLength, n * c * outH * outW, "output");
    }

    private static void Positive(int value, string what)
    {
        if (value <= 0) throw new ArgumentException($"AdaptiveAvgPool2d: {what} {value} must be positive");
    }

    private static unsafe void ForwardCore<T>(int n, int c, int h, int w, int outH, int outW, ReadOnlySpan<T> input, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(n, c, h, w, outH, outW, input.Length, output.Length);
        fixed (T* px = input, py = output)
        {
            nint x = (nint)px, y = (nint)py;
            long work = (long)h * w + (long)outH * outW;
            ParallelRuntime.For(0, (long)n * c, PoolChecks.PlaneGrain(work), (s, e) =>
            {
                int inPlane = h * w, outPlane = outH * outW;
                for (long plane = s; plane < e; plane++)
                {
                    var xp = new ReadOnlySpan<T>((T*)x + plane * inPlane, inPlane);
                    var yp = new Span<T>((T*)y + plane * outPlane, outPlane);
                    for (int oh = 0; oh < outH; oh++)
                    {
                        int hs = Start(oh, h, outH), he = End(oh, h, outH);
                        for (int ow = 0; ow < outW; ow++)
                        {
                            int ws = Start(ow, w, outW), we = End(ow, w, outW);
                            T sum = T.Zero;
                            for (int ih = hs; ih < he; ih++)
                            {
                                ReadOnlySpan<T> row = xp.Slice(ih * w);
                                for (int iw = ws; iw < we; iw++) sum += row[iw];
                            }
                            yp[oh * outW + ow] = sum / T.CreateTruncating((he - hs) * (we - ws));
                        }
                    }
                }
            });
        }
    }

    private static unsafe void BackwardCore<T>(int n, int c, int h, int w, int outH, int outW, ReadOnlySpan<T> gradOutput, Span<T> gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(n, c, h, w, outH, outW, gradInput.Length, gradOutput.Length);
        fixed (T* pdy = gradOutput, pdx = gradInput)
        {
            nint dy = (nint)pdy, dx = (nint)pdx;
            long work = (long)h * w + (long)outH * outW;
            ParallelRuntime.For(0, (long)n * c, PoolChecks.PlaneGrain(work), (s, e) =>
            {
                int inPlane = h * w, outPlane = outH * outW;
                for (long plane = s; plane < e; plane++)
                {
                    var go = new ReadOnlySpan<T>((T*)dy + plane * outPlane, outPlane);
                    var gi = new Span<T>((T*)dx + plane * inPlane, inPlane);
                    gi.Clear();
                    for (int oh = 0; oh < outH; oh++)
                    {
                        int hs = Start(oh, h, outH), he = End(oh, h, outH);
                        for (int ow = 0; ow < outW; ow++)
                        {
                            int ws = Start(ow, w, outW), we = End(ow, w, outW);
                            T share = go[oh * outW + ow] / T.CreateTruncating((he - hs) * (we - ws));
                            for (int ih = hs; ih < he; ih++)
                            {
                                Span<T> row = gi.Slice(ih * w);
                                for (int iw = ws; iw < we; iw++) row[iw] += share;
                            }
                        }
                    }
                }
            });
        }
    }
}
