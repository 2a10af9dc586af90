using System.Numerics;
using System.Numerics.Tensors;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Pool;

/// <summary>
/// 2-D average pooling over contiguous NCHW spans, as PyTorch's avg_pool2d. The divisor is
/// <c>divisorOverride</c> when given, else the window size clipped to the padded input (countIncludePad),
/// else the number of real input elements in the window. A window lying wholly in padding yields 0.
/// The geometry's dilation must be 1.
/// </summary>
internal static class AvgPool2d
{
    /// <summary>output (N, C, OutH, OutW) = window averages of input (N, C, H, W). The output is overwritten.</summary>
    /// <exception cref="ArgumentException">When a span length does not match, dilation is not 1 or divisorOverride is 0.</exception>
    public static void Forward(in Pool2dGeometry g, ReadOnlySpan<float> input, Span<float> output,
        bool countIncludePad = true, int? divisorOverride = null)
        => ForwardCore(g, input, output, countIncludePad, divisorOverride);

    /// <summary>Double-precision <see cref="Forward(in Pool2dGeometry, ReadOnlySpan{float}, Span{float}, bool, int?)"/>.</summary>
    /// <exception cref="ArgumentException">When a span length does not match, dilation is not 1 or divisorOverride is 0.</exception>
    public static void Forward(in Pool2dGeometry g, ReadOnlySpan<double> input, Span<double> output,
        bool countIncludePad = true, int? divisorOverride = null)
        => ForwardCore(g, input, output, countIncludePad, divisorOverride);

    /// <summary>gradInput (N, C, H, W) = Σ over windows containing each element of gradOutput / divisor. gradInput is overwritten.</summary>
    /// <exception cref="ArgumentException">When a span length does not match, dilation is not 1 or divisorOverride is 0.</exception>
    public static void Backward(in Pool2dGeometry g, ReadOnlySpan<float> gradOutput, Span<float> gradInput,
        bool countIncludePad = true, int? divisorOverride = null)
        => BackwardCore(g, gradOutput, gradInput, countIncludePad, divisorOverride);

    /// <summary>Double-precision <see cref="Backward(in Pool2dGeometry, ReadOnlySpan{float}, Span{float}, bool, int?)"/>.</summary>
    /// <exception cref="ArgumentException">When a span length does not match, dilation is not 1 or divisorOverride is 0.</exception>
    public static void Backward(in Pool2dGeometry g, ReadOnlySpan<double> gradOutput, Span<double> gradInput,
        bool countIncludePad = true, int? divisorOverride = null)
        => BackwardCore(g, gradOutput, gradInput, countIncludePad, divisorOverride);

    /// <summary><see cref="Forward(in Pool2dGeometry, ReadOnlySpan{float}, Span{float}, bool, int?)"/> for a float or double element type chosen by the caller's dispatch.</summary>
    public static void Forward<T>(in Pool2dGeometry g, ReadOnlySpan<T> input, Span<T> output, bool countIncludePad, int? divisorOverride) where T : unmanaged, IFloatingPointIeee754<T>
        => ForwardCore(g, input, output, countIncludePad, divisorOverride);

    /// <summary><see cref="Backward(in Pool2dGeometry, ReadOnlySpan{float}, Span{float}, bool, int?)"/> for a float or double element type.</summary>
    public static void Backward<T>(in Pool2dGeometry g, ReadOnlySpan<T> gradOutput, Span<T> gradInput, bool countIncludePad, int? divisorOverride) where T : unmanaged, IFloatingPointIeee754<T>
        => BackwardCore(g, gradOutput, gradInput, countIncludePad, divisorOverride);

    private static void Check(in Pool2dGeometry g, int? divisorOverride)
    {
        g.EnsureInitialized("AvgPool2d");
        if (g.DilationH != 1 || g.DilationW != 1)
            throw new ArgumentException($"AvgPool2d: dilation {g.DilationH}x{g.DilationW} not supported (must be 1)");
        if (divisorOverride == 0)
            throw new ArgumentException("AvgPool2d: divisorOverride 0 must not be zero", nameof(divisorOverride));
    }

    /// <summary>Clipped window [hs, he) x [ws, we) of output (oh, ow) and its divisor.</summary>
    private static (int Hs, int He, int Ws, int We, int Divisor) Window(in Pool2dGeometry g, int oh, int ow,
        bool countIncludePad, int? divisorOverride)
    {
        int hs = oh * g.StrideH - g.PadH, ws = ow * g.StrideW - g.PadW;
        int he = Math.Min(hs + g.KH, g.H + g.PadH), we = Math.Min(ws + g.KW, g.W + g.PadW);
        int padded = (he - hs) * (we - ws);
        hs = Math.Max(hs, 0);
        ws = Math.Max(ws, 0);
        he = Math.Min(he, g.H);
        we = Math.Min(we, g.W);
        int divisor = divisorOverride ?? (countIncludePad ? padded : (he - hs) * (we - ws));
        return (hs, he, ws, we, divisor);
    }

    /// <summary>Input rows [hs, he) of output row <paramref name="oh"/>, clipped to the input.</summary>
    private static (int Hs, int He) Rows(in Pool2dGeometry g, int oh)
    {
        int hs = oh * g.StrideH - g.PadH;
        int he = Math.Min(Math.Min(hs + g.KH, g.H + g.PadH), g.H);
        return (Math.Max(hs, 0), he);
    }

    private static unsafe void ForwardCore<T>(Pool2dGeometry g, ReadOnlySpan<T> input, Span<T> output,
        bool countIncludePad, int? divisorOverride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(g, divisorOverride);
        PoolChecks.Length("AvgPool2d", input.Length, g.InputLength, "input");
        PoolChecks.Length("AvgPool2d", output.Length, g.OutputLength, "output");
        fixed (T* px = input, py = output)
        {
            nint x = (nint)px, y = (nint)py;
            long work = (long)g.OutH * g.OutW * g.KH * g.KW;
            ParallelRuntime.For(0, (long)g.N * g.C, PoolChecks.PlaneGrain(work), (s, e) =>
            {
                int inPlane = g.H * g.W, outPlane = g.OutH * g.OutW;
                // Separable: sum the window's rows into one row vector (vectorised), then each output adds its
                // columns of that row. Scratch is one input row.
                T[] rowArr = System.Buffers.ArrayPool<T>.Shared.Rent(g.W);
                try
                {
                    Span<T> rowSum = rowArr.AsSpan(0, g.W);
                    for (long plane = s; plane < e; plane++)
                    {
                        var xp = new ReadOnlySpan<T>((T*)x + plane * inPlane, inPlane);
                        var yp = new Span<T>((T*)y + plane * outPlane, outPlane);
                        for (int oh = 0; oh < g.OutH; oh++)
                        {
                            var (hs, he) = Rows(g, oh);
                            rowSum.Clear();
                            for (int ih = hs; ih < he; ih++) TensorPrimitives.Add(rowSum, xp.Slice(ih * g.W, g.W), rowSum);
                            for (int ow = 0; ow < g.OutW; ow++)
                            {
                                var (hs2, he2, ws, we, divisor) = Window(g, oh, ow, countIncludePad, divisorOverride);
                                T sum = T.Zero;
                                if (hs2 < he2 && ws < we)
                                {
                                    for (int iw = ws; iw < we; iw++) sum += rowSum[iw];
                                    sum /= T.CreateTruncating(divisor);
                                }
                                yp[oh * g.OutW + ow] = sum;
                            }
                        }
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<T>.Shared.Return(rowArr);
                }
            });
        }
    }

    private static unsafe void BackwardCore<T>(Pool2dGeometry g, ReadOnlySpan<T> gradOutput, Span<T> gradInput,
        bool countIncludePad, int? divisorOverride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(g, divisorOverride);
        PoolChecks.Length("AvgPool2d", gradOutput.Length, g.OutputLength, "gradOutput");
        PoolChecks.Length("AvgPool2d", gradInput.Length, g.InputLength, "gradInput");
        fixed (T* pdy = gradOutput, pdx = gradInput)
        {
            nint dy = (nint)pdy, dx = (nint)pdx;
            long work = (long)g.OutH * g.OutW * g.KH * g.KW + (long)g.H * g.W;
            ParallelRuntime.For(0, (long)g.N * g.C, PoolChecks.PlaneGrain(work), (s, e) =>
            {
                int inPlane = g.H * g.W, outPlane = g.OutH * g.OutW;
                // Separable adjoint of the forward: each output row's shares are spread over one row vector,
                // which is then added (vectorised) to every input row of the window.
                T[] rowArr = System.Buffers.ArrayPool<T>.Shared.Rent(g.W);
                try
                {
                    Span<T> share = rowArr.AsSpan(0, g.W);
                    for (long plane = s; plane < e; plane++)
                    {
                        var go = new ReadOnlySpan<T>((T*)dy + plane * outPlane, outPlane);
                        var gi = new Span<T>((T*)dx + plane * inPlane, inPlane);
                        gi.Clear();
                        for (int oh = 0; oh < g.OutH; oh++)
                        {
                            var (hs, he) = Rows(g, oh);
                            if (hs >= he) continue;
                            share.Clear();
                            for (int ow = 0; ow < g.OutW; ow++)
                            {
                                var (_, _, ws, we, divisor) = Window(g, oh, ow, countIncludePad, divisorOverride);
                                T v = go[oh * g.OutW + ow] / T.CreateTruncating(divisor);
                                for (int iw = ws; iw < we; iw++) share[iw] += v;
                            }
                            for (int ih = hs; ih < he; ih++)
                            {
                                Span<T> row = gi.Slice(ih * g.W, g.W);
                                TensorPrimitives.Add(row, share, row);
                            }
                        }
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<T>.Shared.Return(rowArr);
                }
            });
        }
    }
}
