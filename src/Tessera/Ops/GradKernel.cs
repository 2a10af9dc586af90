namespace Tessera.Ops;

/// <summary>Runs a fused elementwise backward kernel dx = f(g, saved) on contiguous float/double tensors.</summary>
internal static class GradKernel
{
    public delegate void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> saved, Span<T> dx);

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
