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
        if (input.DType != weight.DType || !input.DType.IsFloatingPoint())
            throw new ArgumentException($"Conv2d: input is {input.DType.Name()} and weight is {weight.DType.Name()}; both must be the same floating dtype.");
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
        if (input.DType == DType.Float32)
            Kernels.Conv.Conv2d.Forward(g, x.Span<float>(), w.Span<float>(), b is null ? default : b.Span<float>(), y.Span<float>());
        else
            Kernels.Conv.Conv2d.Forward(g, x.Span<double>(), w.Span<double>(), b is null ? default : b.Span<double>(), y.Span<double>());
        if (Tensor.NeedsGrad(input, weight, bias))
        {
            y.SetGradFn("ConvolutionBackward", bias is null ? [input, weight] : [input, weight, bias], gy =>
            {
                var go = gy.Contiguous();
                Tensor? gx = input.RequiresGrad ? Tensor.Empty(go.DType, input.ShapeArray()) : null;
                Tensor? gw = weight.RequiresGrad ? Tensor.Empty(go.DType, weight.ShapeArray()) : null;
                Tensor? gb = bias is not null && bias.RequiresGrad ? Tensor.Empty(go.DType, bias.ShapeArray()) : null;
                if (go.DType == DType.Float32)
                    Kernels.Conv.Conv2d.Backward(g, x.Span<float>(), w.Span<float>(), go.Span<float>(),
                        gx is null ? default : gx.Span<float>(), gw is null ? default : gw.Span<float>(), gb is null ? default : gb.Span<float>());
                else
                    Kernels.Conv.Conv2d.Backward(g, x.Span<double>(), w.Span<double>(), go.Span<double>(),
                        gx is null ? default : gx.Span<double>(), gw is null ? default : gw.Span<double>(), gb is null ? default : gb.Span<double>());
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
        var g = PoolGeometry("MaxPool2d", input, kernel, stride, padding, dilation, ceilMode);
        var x = input.Detach().Contiguous();
        var y = Tensor.Empty(input.DType, g.N, g.C, g.OutH, g.OutW);
        var idx = Tensor.Empty(DType.Int64, g.N, g.C, g.OutH, g.OutW);
        if (x.DType == DType.Float32) Kernels.Pool.MaxPool2d.Forward(g, x.Span<float>(), y.Span<float>(), idx.Span<long>());
        else Kernels.Pool.MaxPool2d.Forward(g, x.Span<double>(), y.Span<double>(), idx.Span<long>());
        if (Tensor.NeedsGrad(input))
        {
            y.SetGradFn("MaxPool2DWithIndicesBackward", [input], gy =>
            {
                var go = gy.Contiguous();
                var gx = Tensor.Zeros(input.ShapeArray(), go.DType);
                if (go.DType == DType.Float32) Kernels.Pool.MaxPool2d.Backward(g, go.Span<float>(), idx.Span<long>(), gx.Span<float>());
                else Kernels.Pool.MaxPool2d.Backward(g, go.Span<double>(), idx.Span<long>(), gx.Span<double>());
                return [gx];
            });
        }
        return (y, idx);
    }

    /// <summary>2-D average pooling over (N, C, H, W), PyTorch semantics for padding, ceil mode and divisor override.</summary>
    public static Tensor AvgPool2d(Tensor input, (int H, int W) kernel, (int H, int W)? stride = null, (int H, int W)? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        var g = PoolGeometry("AvgPool2d", input, kernel, stride, padding, null, ceilMode);
        var x = input.Detach().Contiguous();
        var y = Tensor.Empty(input.DType, g.N, g.C, g.OutH, g.OutW);
        if (x.DType == DType.Float32) Kernels.Pool.AvgPool2d.Forward(g, x.Span<float>(), y.Span<float>(), countIncludePad, divisorOverride);
        else Kernels.Pool.AvgPool2d.Forward(g, x.Span<double>(), y.Span<double>(), countIncludePad, divisorOverride);
        if (Tensor.NeedsGrad(input))
        {
            y.SetGradFn("AvgPool2DBackward", [input], gy =>
            {
                var go = gy.Contiguous();
                var gx = Tensor.Zeros(input.ShapeArray(), go.DType);
                if (go.DType == DType.Float32) Kernels.Pool.AvgPool2d.Backward(g, go.Span<float>(), gx.Span<float>(), countIncludePad, divisorOverride);
                else Kernels.Pool.AvgPool2d.Backward(g, go.Span<double>(), gx.Span<double>(), countIncludePad, divisorOverride);
                return [gx];
            });
        }
        return y;
    }

    /// <summary>Adaptive average pooling of (N, C, H, W) to (N, C, outH, outW) with PyTorch's bin edges.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, (int H, int W) outputSize)
    {
        if (input.Rank != 4) throw new ArgumentException($"AdaptiveAvgPool2d expects (N, C, H, W) input, got {ShapeUtil.Format(input.Shape)}.");
        if (!input.DType.IsFloatingPoint()) throw new ArgumentException($"AdaptiveAvgPool2d needs a floating input, got {input.DType.Name()}.");
        var (oh, ow) = outputSize;
        if (oh <= 0 || ow <= 0) throw new ArgumentOutOfRangeException(nameof(outputSize), $"AdaptiveAvgPool2d output size ({oh}, {ow}) must be positive.");
        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        var x = input.Detach().Contiguous();
        var y = Tensor.Empty(input.DType, n, c, oh, ow);
        if (x.DType == DType.Float32) Kernels.Pool.AdaptiveAvgPool2d.Forward(n, c, h, w, oh, ow, x.Span<float>(), y.Span<float>());
        else Kernels.Pool.AdaptiveAvgPool2d.Forward(n, c, h, w, oh, ow, x.Span<double>(), y.Span<double>());
        if (Tensor.NeedsGrad(input))
        {
            y.SetGradFn("AdaptiveAvgPool2DBackward", [input], gy =>
            {
                var go = gy.Contiguous();
                var gx = Tensor.Zeros(input.ShapeArray(), go.DType);
                if (go.DType == DType.Float32) Kernels.Pool.AdaptiveAvgPool2d.Backward(n, c, h, w, oh, ow, go.Span<float>(), gx.Span<float>());
                else Kernels.Pool.AdaptiveAvgPool2d.Backward(n, c, h, w, oh, ow, go.Span<double>(), gx.Span<double>());
                return [gx];
            });
        }
        return y;
    }

    private static Pool2dGeometry PoolGeometry(string op, Tensor input, (int H, int W) kernel, (int H, int W)? stride,
        (int H, int W)? padding, (int H, int W)? dilation, bool ceilMode)
    {
        if (input.Rank != 4) throw new ArgumentException($"{op} expects (N, C, H, W) input, got {ShapeUtil.Format(input.Shape)}.");
        if (!input.DType.IsFloatingPoint()) throw new ArgumentException($"{op} needs a floating input, got {input.DType.Name()}.");
        var (sh, sw) = stride ?? kernel;
        var (ph, pw) = padding ?? (0, 0);
        var (dh, dw) = dilation ?? (1, 1);
        return new Pool2dGeometry(input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3], kernel.H, kernel.W, sh, sw, ph, pw, dh, dw, ceilMode);
    }
}
