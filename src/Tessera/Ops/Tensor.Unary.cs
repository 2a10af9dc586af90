using System.Numerics;
using Tessera.Kernels.Elementwise;
using Tessera.Ops;
using Un = Tessera.Kernels.Operators.UnaryOperators;

namespace Tessera;

public partial class Tensor
{
    /// <summary>Elementwise eˣ.</summary>
    public Tensor Exp()
    {
        var y = TensorElementwise.Unary<Un.Exp<float>, Un.Exp<double>>(this);
        if (NeedsGrad(this)) { var yd = y.Detach(); y.SetGradFn("ExpBackward", [this], g => [g.Mul(yd)]); }
        return y;
    }

    /// <summary>Elementwise natural logarithm.</summary>
    public Tensor Log()
    {
        var y = TensorElementwise.Unary<Un.Log<float>, Un.Log<double>>(this);
        if (NeedsGrad(this)) { var x = Detach(); y.SetGradFn("LogBackward", [this], g => [g.Div(x)]); }
        return y;
    }

    /// <summary>Elementwise square root.</summary>
    public Tensor Sqrt()
    {
        var y = TensorElementwise.Unary<Un.Sqrt<float>, Un.Sqrt<double>>(this);
        if (NeedsGrad(this)) { var yd = y.Detach(); y.SetGradFn("SqrtBackward", [this], g => [g.Div(yd.Mul(2.0))]); }
        return y;
    }

    /// <summary>Elementwise 1/√x.</summary>
    public Tensor Rsqrt()
    {
        var y = TensorElementwise.Unary<Un.Rsqrt<float>, Un.Rsqrt<double>>(this);
        // d/dx x^(-1/2) = -1/2 · y³
        if (NeedsGrad(this)) { var yd = y.Detach(); y.SetGradFn("RsqrtBackward", [this], g => [g.Mul(yd.Mul(yd).Mul(yd)).Mul(-0.5)]); }
        return y;
    }

    /// <summary>Elementwise |x| (gradient sign(x), 0 at 0).</summary>
    public Tensor Abs()
    {
        if (!DType.IsFloatingPoint()) return IntegerUnary<Un.Abs<long>>(this);
        var y = TensorElementwise.Unary<Un.Abs<float>, Un.Abs<double>>(this);
        if (NeedsGrad(this)) { var x = Detach(); y.SetGradFn("AbsBackward", [this], g => [GradKernel.Apply("abs backward", g, x, default(AbsGrad))]); }
        return y;
    }

    /// <summary>Elementwise sign: −1, 0 or 1 (not differentiable: gradient 0).</summary>
    public Tensor Sign() => TensorElementwise.Unary<Un.Sign<float>, Un.Sign<double>>(Detach());

    /// <summary>Elementwise max(x, 0).</summary>
    public Tensor Relu()
    {
        var y = TensorElementwise.Unary<Un.Relu<float>, Un.Relu<double>>(this);
        if (NeedsGrad(this)) { var xd = Detach(); y.SetGradFn("ReluBackward", [this], g => [GradKernel.Apply("relu backward", g, xd, default(ReluGrad))]); }
        return y;
    }

    /// <summary>Elementwise x if x &gt; 0 else slope·x.</summary>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        var y = GradKernel.Map("leaky_relu", this, new LeakyReluMap(negativeSlope));
        if (NeedsGrad(this))
        {
            var xd = Detach();
            y.SetGradFn("LeakyReluBackward", [this], g => [GradKernel.Apply("leaky_relu backward", g, xd, new LeakyReluGrad(negativeSlope))]);
        }
        return y;
    }

    /// <summary>GELU: exact <c>0.5x(1+erf(x/√2))</c>, or the tanh approximation when <paramref name="approximateTanh"/>.</summary>
    public Tensor Gelu(bool approximateTanh = false)
    {
        var y = approximateTanh ? TensorElementwise.Unary<Un.GeluTanh<float>, Un.GeluTanh<double>>(this) : TensorElementwise.Unary<Un.Gelu<float>, Un.Gelu<double>>(this);
        if (NeedsGrad(this))
        {
            var x = Detach();
            y.SetGradFn("GeluBackward", [this], g => [approximateTanh
                ? GradKernel.Apply("gelu backward", g, x, default(GeluTanhGrad))
                : GradKernel.Apply("gelu backward", g, x, default(GeluGrad))]);
        }
        return y;
    }

    /// <summary>Elementwise 1/(1+e⁻ˣ).</summary>
    public Tensor Sigmoid()
    {
        var y = TensorElementwise.Unary<Un.Sigmoid<float>, Un.Sigmoid<double>>(this);
        if (NeedsGrad(this)) { var yd = y.Detach(); y.SetGradFn("SigmoidBackward", [this], g => [GradKernel.Apply("sigmoid backward", g, yd, default(SigmoidGrad))]); }
        return y;
    }

    /// <summary>Elementwise hyperbolic tangent.</summary>
    public Tensor Tanh()
    {
        var y = TensorElementwise.Unary<Un.Tanh<float>, Un.Tanh<double>>(this);
        if (NeedsGrad(this)) { var yd = y.Detach(); y.SetGradFn("TanhBackward", [this], g => [GradKernel.Apply("tanh backward", g, yd, default(TanhGrad))]); }
        return y;
    }

    /// <summary>SiLU / swish: x·sigmoid(x).</summary>
    public Tensor Silu()
    {
        var y = TensorElementwise.Unary<Un.Silu<float>, Un.Silu<double>>(this);
        if (NeedsGrad(this))
        {
            var x = Detach();
            y.SetGradFn("SiluBackward", [this], g => [GradKernel.Apply("silu backward", g, x, default(SiluGrad))]);
        }
        return y;
    }

    /// <summary>Softplus: (1/β)·log(1+e^(βx)), linear where βx &gt; threshold (as PyTorch).</summary>
    public Tensor Softplus(double beta = 1, double threshold = 20)
    {
        var y = GradKernel.Map("softplus", this, new SoftplusMap(beta, threshold));
        if (NeedsGrad(this))
        {
            var xd = Detach();
            y.SetGradFn("SoftplusBackward", [this], g => [GradKernel.Apply("softplus backward", g, xd, new SoftplusGrad(beta, threshold))]);
        }
        return y;
    }

    /// <summary>Clamps into [min, max]; either bound may be null. Gradient passes where the input is inside the bounds.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("Clamp needs at least one of min or max.");
        var y = GradKernel.Map("clamp", this, new ClampMap(min, max));
        if (NeedsGrad(this))
        {
            var xd = Detach();
            // The gradient passes where min ≤ x ≤ max, as PyTorch.
            y.SetGradFn("ClampBackward", [this], g => [GradKernel.Apply("clamp backward", g, xd, new ClampGrad(min, max))]);
        }
        return y;
    }

    /// <summary>Bool tensor: this == other.</summary>
    public Tensor Eq(Tensor other) => TensorElementwise.Compare(this, other, CompareOp.Equal);
    /// <summary>Bool tensor: this != other.</summary>
    public Tensor Ne(Tensor other) => TensorElementwise.Compare(this, other, CompareOp.NotEqual);
    /// <summary>Bool tensor: this &lt; other.</summary>
    public Tensor Lt(Tensor other) => TensorElementwise.Compare(this, other, CompareOp.LessThan);
    /// <summary>Bool tensor: this &lt;= other.</summary>
    public Tensor Le(Tensor other) => TensorElementwise.Compare(this, other, CompareOp.LessThanOrEqual);
    /// <summary>Bool tensor: this &gt; other.</summary>
    public Tensor Gt(Tensor other) => TensorElementwise.Compare(this, other, CompareOp.GreaterThan);
    /// <summary>Bool tensor: this &gt;= other.</summary>
    public Tensor Ge(Tensor other) => TensorElementwise.Compare(this, other, CompareOp.GreaterThanOrEqual);
    /// <summary>Bool tensor: this == scalar.</summary>
    public Tensor Eq(double other) => Eq(ScalarLike(other));
    /// <summary>Bool tensor: this &lt; scalar.</summary>
    public Tensor Lt(double other) => Lt(ScalarLike(other));
    /// <summary>Bool tensor: this &gt; scalar.</summary>
    public Tensor Gt(double other) => Gt(ScalarLike(other));
    /// <summary>Bool tensor: this == integer scalar (exact for int64 values beyond 2^53).</summary>
    public Tensor Eq(long other) => Eq(ScalarLike(other));
    /// <summary>Bool tensor: this &lt; integer scalar.</summary>
    public Tensor Lt(long other) => Lt(ScalarLike(other));
    /// <summary>Bool tensor: this &gt; integer scalar.</summary>
    public Tensor Gt(long other) => Gt(ScalarLike(other));

    /// <summary>Elementwise logical and of two tensors (nonzero = true).</summary>
    public Tensor LogicalAnd(Tensor other) => AsBool().Mul(other.AsBool()).Ne(Scalar(0, DType.Int64));
    /// <summary>Elementwise logical or.</summary>
    public Tensor LogicalOr(Tensor other) => AsBool().Add(other.AsBool()).Ne(Scalar(0, DType.Int64));
    /// <summary>Elementwise logical not.</summary>
    public Tensor LogicalNot() => Eq(Scalar(0, DType));

    private Tensor AsBool() => DType == DType.Bool ? this : Ne(Scalar(0, DType));

    /// <summary>Elementwise <c>condition ? a : b</c> with broadcasting (condition Bool).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        if (condition.DType != DType.Bool) throw new ArgumentException($"Where needs a Bool condition, got {condition.DType.Name()}.");
        DType dt = DTypeInfo.Promote(a.DType, b.DType);
        int[] shape = ShapeUtil.BroadcastShapes(ShapeUtil.BroadcastShapes(condition.Shape, a.Shape), b.Shape);
        var c = condition.Expand(shape).Contiguous();
        var y = Empty(dt, shape);
        var ac = a.To(dt).Detach().Expand(shape).Contiguous();
        var bc = b.To(dt).Detach().Expand(shape).Contiguous();
        DTypeDispatch.Raw(dt, new SelectOp(c, ac, bc, y), "where");
        if (NeedsGrad(a, b))
        {
            var cond = condition.Detach();
            y.SetGradFn("WhereBackward", [a, b], g => [
                a.RequiresGrad ? g.MaskedFill(cond.LogicalNot(), 0).SumToShape(a.ShapeRef) : null,
                b.RequiresGrad ? g.MaskedFill(cond, 0).SumToShape(b.ShapeRef) : null]);
        }
        return y;
    }

    private readonly struct SelectOp(Tensor condition, Tensor a, Tensor b, Tensor y) : IRawOp
    {
        public void Run<T>() where T : unmanaged
        {
            ReadOnlySpan<byte> c = condition.Span<byte>();
            ReadOnlySpan<T> sa = a.RawSpan<T>(), sb = b.RawSpan<T>();
            Span<T> sy = y.RawSpan<T>();
            for (int i = 0; i < sy.Length; i++) sy[i] = c[i] != 0 ? sa[i] : sb[i];
        }
    }

    /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> is true (mask broadcasts to this shape).</summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        if (mask.DType != DType.Bool) throw new ArgumentException($"MaskedFill needs a Bool mask, got {mask.DType.Name()}.");
        ShapeUtil.BroadcastStrides(mask.Shape, mask.Strides, Shape);
        var y = Where(mask, Scalar(value, DType), Detach());
        if (!ShapeUtil.SameShape(y.Shape, Shape)) y = y.Contiguous();
        if (NeedsGrad(this))
        {
            var m = mask.Detach();
            y.SetGradFn("MaskedFillBackward", [this], g => [g.MaskedFill(m, 0)]);
        }
        return y;
    }

    private readonly struct AbsGrad : IGradFn
    {
        public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> => Gradients.AbsBackward(g, x, dx);
    }

    private readonly struct ReluGrad : IGradFn
    {
        public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> => Gradients.ReluBackward(g, x, dx);
    }

    private readonly struct GeluGrad : IGradFn
    {
        public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> => Gradients.GeluBackward(g, x, dx);
    }

    private readonly struct GeluTanhGrad : IGradFn
    {
        public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> => Gradients.GeluTanhBackward(g, x, dx);
    }

    private readonly struct SigmoidGrad : IGradFn
    {
        public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> => Gradients.SigmoidBackward(g, y, dx);
    }

    private readonly struct TanhGrad : IGradFn
    {
        public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> => Gradients.TanhBackward(g, y, dx);
    }

    private readonly struct SiluGrad : IGradFn
    {
        public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> => Gradients.SiluBackward(g, x, dx);
    }

    private readonly struct LeakyReluMap(double negativeSlope) : IMapFn
    {
        public void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
            Activations.LeakyRelu(x, T.CreateTruncating(negativeSlope), y);
    }

    private readonly struct LeakyReluGrad(double negativeSlope) : IGradFn
    {
        public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
            Gradients.LeakyReluBackward(g, x, T.CreateTruncating(negativeSlope), dx);
    }

    private readonly struct SoftplusMap(double beta, double threshold) : IMapFn
    {
        public void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
            Activations.Softplus(x, T.CreateTruncating(beta), T.CreateTruncating(threshold), y);
    }

    private readonly struct SoftplusGrad(double beta, double threshold) : IGradFn
    {
        public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
            Gradients.SoftplusBackward(g, x, T.CreateTruncating(beta), T.CreateTruncating(threshold), dx);
    }

    // Bounds round to the element type once, as the float32 kernels always did.
    private readonly struct ClampMap(double? min, double? max) : IMapFn
    {
        public void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
            UnaryMath.Clamp(x, min is { } a ? T.CreateTruncating(a) : null, max is { } b ? T.CreateTruncating(b) : null, y);
    }

    private readonly struct ClampGrad(double? min, double? max) : IGradFn
    {
        public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
            Gradients.ClampBackward(g, x, min is { } a ? T.CreateTruncating(a) : null, max is { } b ? T.CreateTruncating(b) : null, dx);
    }
}
