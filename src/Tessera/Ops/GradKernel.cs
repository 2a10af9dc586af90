using System.Numerics;

namespace Tessera.Ops;

/// <summary>Runs parameterised elementwise kernels (<see cref="IMapFn"/>) and fused backward kernels (<see cref="IGradFn"/>) on float tensors.</summary>
internal static class GradKernel
{
    /// <summary>y = f(x) (integer inputs become float32, as the other unary ops; float16/bfloat16 compute in float32 and round once).</summary>
    public static Tensor Map<TFn>(string op, Tensor x, TFn fn) where TFn : struct, IMapFn
    {
        if (x.DType.IsReducedPrecision()) return Map(op, x.Detach().To(DType.Float32), fn).To(x.DType);
        var xc = (x.DType.IsFloatingPoint() ? x : x.To(DType.Float32)).Detach().Contiguous();
        var y = xc.EmptyLike();
        if (y.Numel > 0) DTypeDispatch.Float(xc.DType, new MapOp<TFn>(xc, y, fn), op);
        return y;
    }

    /// <summary>dx = f(g, saved) with g converted to saved's dtype and broadcast to its shape.</summary>
    public static Tensor Apply<TFn>(string op, Tensor g, Tensor saved, TFn fn) where TFn : struct, IGradFn
    {
        if (saved.DType.IsReducedPrecision()) return Apply(op, g.To(DType.Float32), saved.To(DType.Float32), fn).To(saved.DType);
        var gc = g.To(saved.DType).Contiguous();
        if (!ShapeUtil.SameShape(gc.Shape, saved.Shape)) gc = gc.Expand(saved.ShapeArray()).Contiguous();
        var s = saved.Contiguous();
        var dx = s.EmptyLike();
        if (dx.Numel > 0) DTypeDispatch.Float(s.DType, new ApplyOp<TFn>(gc, s, dx, fn), op);
        return dx;
    }

    private readonly struct MapOp<TFn>(Tensor x, Tensor y, TFn fn) : IFloatOp where TFn : struct, IMapFn
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => fn.Run<T>(x.Span<T>(), y.Span<T>());
    }

    private readonly struct ApplyOp<TFn>(Tensor g, Tensor saved, Tensor dx, TFn fn) : IFloatOp where TFn : struct, IGradFn
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => fn.Run<T>(g.Span<T>(), saved.Span<T>(), dx.Span<T>());
    }
}
