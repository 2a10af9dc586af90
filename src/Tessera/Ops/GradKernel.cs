namespace Tessera.Ops;

/// <summary>Runs a fused elementwise backward kernel dx = f(g, saved) on contiguous float/double tensors.</summary>
internal static class GradKernel
{
    public delegate void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> saved, Span<T> dx);

    public delegate void Forward<T>(ReadOnlySpan<T> x, Span<T> y);

    /// <summary>y = f(x) for a parameterised span kernel (integer inputs become Float32, as the other unary ops).</summary>
    public static Tensor Map(string op, Tensor x, Forward<float> f32, Forward<double> f64)
    {
        // float16/bfloat16 compute in float32 and round once.
        if (x.DType.IsReducedPrecision()) return Map(op, x.Detach().To(DType.Float32), f32, f64).To(x.DType);
        var xc = (x.DType.IsFloatingPoint() ? x : x.To(DType.Float32)).Detach().Contiguous();
        var y = xc.EmptyLike();
        if (y.Numel == 0) return y;
        switch (xc.DType)
        {
            case DType.Float32: f32(xc.Span<float>(), y.Span<float>()); break;
            case DType.Float64: f64(xc.Span<double>(), y.Span<double>()); break;
            default: throw DTypeDispatch.Unsupported(op, xc.DType);
        }
        return y;
    }

    public static Tensor Apply(Tensor g, Tensor saved, Kernel<float> f32, Kernel<double> f64)
    {
        if (saved.DType.IsReducedPrecision()) return Apply(g.To(DType.Float32), saved.To(DType.Float32), f32, f64).To(saved.DType);
        var gc = g.To(saved.DType).Contiguous();
        if (!ShapeUtil.SameShape(gc.Shape, saved.Shape)) gc = gc.Expand(saved.ShapeArray()).Contiguous();
        var s = saved.Contiguous();
        var dx = s.EmptyLike();
        if (dx.Numel == 0) return dx;
        switch (s.DType)
        {
            case DType.Float32: f32(gc.Span<float>(), s.Span<float>(), dx.Span<float>()); break;
            case DType.Float64: f64(gc.Span<double>(), s.Span<double>(), dx.Span<double>()); break;
            default: throw DTypeDispatch.Unsupported("elementwise backward", s.DType);
        }
        return dx;
    }
}
