using System.Numerics;
using Tessera.Kernels.Conv;
using Tessera.Kernels.Pool;

namespace Tessera;

public static partial class Functional
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch). input (N, Cin, H, W), weight (Cout, Cin/groups, KH, KW),
    /// bias (Cout) or null → (N, Cout, OH, OW).
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, (int H, int W)? stride = null,
        (int H, int W)? padding = null, (int H, int W)? dilation = null, int groups = 1)
    {
        if (input.Rank != 4) throw new ArgumentException($"Conv2d expects (N, C, H, W) input, got {ShapeUtil.Format(input.Shape)}.");
        if (weight.Rank != 4) throw new ArgumentException($"Conv2d expects (Cout, Cin/groups, KH, KW) weight, got {ShapeUtil.Format(weight.Shape)}.");
        if (input.DType != weight.DType)
            throw new ArgumentException($"Conv2d: input is {input.DType.Name()} and weight is {weight.DType.Name()}; both must be the same floating dtype.");
        if (input.DType is not (DType.Float32 or DType.Float64)) throw DTypeDispatch.Unsupported("conv2d", input.DType);
        var (sh, sw) = stride ?? (1, 1);
        var (ph, pw) = padding ?? (0, 0);
        var (dh, dw) = dilation ?? (1, 1);
        int cin = input.Shape[1];
        if (weight.Shape[1] * groups != cin)
            throw new ArgumentException($"Conv2d: weight {ShapeUtil.Format(weight.Shape)} with groups={groups} expects {weight.Shape[1] * groups} input channels, input has {cin}.");
        var g = new Conv2dGeometry(input.Shape[0], cin, input.Shape[2], input.Shape[3], weight.Shape[0], weight.Shape[2], weight.Shape[3],
            sh, sw, ph, pw, dh, dw, groups);
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != g.Cout))
            throw new ArgumentException($"Conv2d bias must have shape [{g.Cout}], got {ShapeUtil.Format(bias.Shape)}.");
        var x = input.Detach().Contiguous();
        var w = weight.Detach().Contiguous();
        var b = bias?.Detach().To(input.DType).Contiguous();
        var y = Tensor.Empty(input.DType, g.N, g.Cout, g.OutH, g.OutW);
        DTypeDispatch.Float(input.DType, new ConvForward(g, x, w, b, y), "conv2d");
        if (Tensor.NeedsGrad(input, weight, bias))
        {
            y.SetGradFn("ConvolutionBackward", bias is null ? [input, weight] : [input, weight, bias], gy =>
            {
                var go = gy.Contiguous();
                Tensor? gx = input.RequiresGrad ? Tensor.Empty(go.DType, input.ShapeArray()) : null;
                Tensor? gw = weight.RequiresGrad ? Tensor.Empty(go.DType, weight.ShapeArray()) : null;
                Tensor? gb = bias is not null && bias.RequiresGrad ? Tensor.Empty(go.DType, bias.ShapeArray()) : null;
                DTypeDispatch.Float(go.DType, new ConvBackward(g, x, w, go, gx, gw, gb), "conv2d backward");
                return [gx, gw, gb];
            });
        }
        return y;
    }

    /// <summary>2-D max pooling over (N, C, H, W); stride defaults to the kernel size; padding pads with −∞.</summary>
    public static Tensor MaxPool2d(Tensor input, (int H, int W) kernel, (int H, int W)? stride = null, (int H, int W)? padding = null,
        (int H, int W)? dilation = null, bool ceilMode = false)
        => MaxPool2dWithIndices(input, kernel, stride, padding, dilation, ceilMode).Output;

    /// <summary>2-D max pooling that also returns the argmax indices (flat into each H·W plane, as PyTorch).</summary>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, (int H, int W) kernel, (int H, int W)? stride = null,
        (int H, int W)? padding = null, (int H, int W)? dilation = null, bool ceilMode = false)
    {
        var g = PoolGeometry("max_pool2d", input, kernel, stride, padding, dilation, ceilMode);
        var x = input.Detach().Contiguous();
        var y = Tensor.Empty(input.DType, g.N, g.C, g.OutH, g.OutW);
        var idx = Tensor.Empty(DType.Int64, g.N, g.C, g.OutH, g.OutW);
        DTypeDispatch.Float(x.DType, new MaxPoolForward(g, x, y, idx), "max_pool2d");
        if (Tensor.NeedsGrad(input))
        {
            y.SetGradFn("MaxPool2DWithIndicesBackward", [input], gy =>
            {
                var go = gy.Contiguous();
                var gx = Tensor.Zeros(input.ShapeArray(), go.DType);
                DTypeDispatch.Float(go.DType, new MaxPoolBackward(g, go, idx, gx), "max_pool2d backward");
                return [gx];
            });
        }
        return (y, idx);
    }

    /// <summary>2-D average pooling over (N, C, H, W), PyTorch semantics for padding, ceil mode and divisor override.</summary>
    public static Tensor AvgPool2d(Tensor input, (int H, int W) kernel, (int H, int W)? stride = null, (int H, int W)? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        var g = PoolGeometry("avg_pool2d", input, kernel, stride, padding, null, ceilMode);
        var x = input.Detach().Contiguous();
        var y = Tensor.Empty(input.DType, g.N, g.C, g.OutH, g.OutW);
        DTypeDispatch.Float(x.DType, new AvgPoolOp(g, x, y, countIncludePad, divisorOverride, Backward: false), "avg_pool2d");
        if (Tensor.NeedsGrad(input))
        {
            y.SetGradFn("AvgPool2DBackward", [input], gy =>
            {
                var go = gy.Contiguous();
                var gx = Tensor.Zeros(input.ShapeArray(), go.DType);
                DTypeDispatch.Float(go.DType, new AvgPoolOp(g, go, gx, countIncludePad, divisorOverride, Backward: true), "avg_pool2d backward");
                return [gx];
            });
        }
        return y;
    }

    /// <summary>Adaptive average pooling of (N, C, H, W) to (N, C, outH, outW) with PyTorch's bin edges.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, (int H, int W) outputSize)
    {
        if (input.Rank != 4) throw new ArgumentException($"AdaptiveAvgPool2d expects (N, C, H, W) input, got {ShapeUtil.Format(input.Shape)}.");
        if (input.DType is not (DType.Float32 or DType.Float64)) throw DTypeDispatch.Unsupported("adaptive_avg_pool2d", input.DType);
        var (oh, ow) = outputSize;
        if (oh <= 0 || ow <= 0) throw new ArgumentOutOfRangeException(nameof(outputSize), $"AdaptiveAvgPool2d output size ({oh}, {ow}) must be positive.");
        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        var x = input.Detach().Contiguous();
        var y = Tensor.Empty(input.DType, n, c, oh, ow);
        DTypeDispatch.Float(x.DType, new AdaptiveAvgPoolOp(n, c, h, w, oh, ow, x, y, Backward: false), "adaptive_avg_pool2d");
        if (Tensor.NeedsGrad(input))
        {
            y.SetGradFn("AdaptiveAvgPool2DBackward", [input], gy =>
            {
                var go = gy.Contiguous();
                var gx = Tensor.Zeros(input.ShapeArray(), go.DType);
                DTypeDispatch.Float(go.DType, new AdaptiveAvgPoolOp(n, c, h, w, oh, ow, go, gx, Backward: true), "adaptive_avg_pool2d backward");
                return [gx];
            });
        }
        return y;
    }

    private static Pool2dGeometry PoolGeometry(string op, Tensor input, (int H, int W) kernel, (int H, int W)? stride,
        (int H, int W)? padding, (int H, int W)? dilation, bool ceilMode)
    {
        if (input.Rank != 4) throw new ArgumentException($"{op} expects (N, C, H, W) input, got {ShapeUtil.Format(input.Shape)}.");
        if (input.DType is not (DType.Float32 or DType.Float64)) throw DTypeDispatch.Unsupported(op, input.DType);
        var (sh, sw) = stride ?? kernel;
        var (ph, pw) = padding ?? (0, 0);
        var (dh, dw) = dilation ?? (1, 1);
        return new Pool2dGeometry(input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3], kernel.H, kernel.W, sh, sw, ph, pw, dh, dw, ceilMode);
    }

    private readonly struct ConvForward(Conv2dGeometry g, Tensor x, Tensor w, Tensor? b, Tensor y) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Kernels.Conv.Conv2d.Forward(g, x.Span<T>(), w.Span<T>(), b is null ? default : b.Span<T>(), y.Span<T>());
    }

    private readonly struct ConvBackward(Conv2dGeometry g, Tensor x, Tensor w, Tensor go, Tensor? gx, Tensor? gw, Tensor? gb) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Kernels.Conv.Conv2d.Backward(g, x.Span<T>(), w.Span<T>(), go.Span<T>(),
                gx is null ? default : gx.Span<T>(), gw is null ? default : gw.Span<T>(), gb is null ? default : gb.Span<T>());
    }

    private readonly struct MaxPoolForward(Pool2dGeometry g, Tensor x, Tensor y, Tensor idx) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => Kernels.Pool.MaxPool2d.Forward(g, x.Span<T>(), y.Span<T>(), idx.Span<long>());
    }

    private readonly struct MaxPoolBackward(Pool2dGeometry g, Tensor go, Tensor idx, Tensor gx) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => Kernels.Pool.MaxPool2d.Backward(g, go.Span<T>(), idx.Span<long>(), gx.Span<T>());
    }

    // Forward reads x (input) and writes y (output); backward reads x (gradOutput) and writes y (gradInput).
    private readonly struct AvgPoolOp(Pool2dGeometry g, Tensor x, Tensor y, bool countIncludePad, int? divisorOverride, bool Backward) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Backward) Kernels.Pool.AvgPool2d.Backward(g, x.Span<T>(), y.Span<T>(), countIncludePad, divisorOverride);
            else Kernels.Pool.AvgPool2d.Forward(g, x.Span<T>(), y.Span<T>(), countIncludePad, divisorOverride);
        }
    }

    private readonly struct AdaptiveAvgPoolOp(int n, int c, int h, int w, int oh, int ow, Tensor x, Tensor y, bool Backward) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Backward) Kernels.Pool.AdaptiveAvgPool2d.Backward(n, c, h, w, oh, ow, x.Span<T>(), y.Span<T>());
            else Kernels.Pool.AdaptiveAvgPool2d.Forward(n, c, h, w, oh, ow, x.Span<T>(), y.Span<T>());
        }
    }
}
