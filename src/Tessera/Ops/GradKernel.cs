namespace Tessera.Ops;

/// <summary>Runs a fused elementwise backward kernel dx = f(g, saved) on contiguous float/double tensors.</summary>
internal static class GradKernel
{
    public delegate void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> saved, Span<T> dx);

    public delegate void Forward<T>(ReadOnlySpan<T> x, Span<T> y);

    /// <summary>y = f(x) for a parameterised span kernel (integer inputs become Float32, as the other unary ops).</summary>
    public static Tensor Map(Tensor x, Forward<float> f32, Forward<double> f64)
    {
        var xc = (x.DType.IsFloatingPoint() ? x : x.To(DType.Float32)).Detach().Contiguous();
        var y = xc.EmptyLike();
        if (y.Numel == 0) return y;
        if (xc.DType == DType.Float32) f32(xc.Span<float>(), y.Span<float>());
        else f64(xc.Span<double>(), y.Span<double>());
        return y;
    }

    public static Tensor Apply(Tensor g, Tensor saved, Kernel<float> f32, Kernel<double> f64)
    {
        var gc = g.To(saved.DType).Contiguous();
        if (!ShapeUtil.SameShape(gc.Shape, saved.Shape)) gc = gc.Expand(saved.ShapeArray()).Contiguous();
        var s = saved.Contiguous();
        var dx = s.EmptyLike();
        if (dx.Numel == 0) return dx;
        if (s.DType == DType.Float32) f32(gc.Span<float>(), s.Span<float>(), dx.Span<float>());
        else f64(gc.Span<double>(), s.Span<double>(), dx.Span<double>());
        return dx;
    }
}
