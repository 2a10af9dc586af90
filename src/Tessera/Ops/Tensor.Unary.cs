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
        if (NeedsGrad(this)) { var x = Detach(); y.SetGradFn("AbsBackward", [this], g => [GradKernel.Apply(g, x, Gradients.AbsBackward, Gradients.AbsBackward)]); }
        return y;
    }

    /// <summary>Elementwise sign: −1, 0 or 1 (not differentiable: gradient 0).</summary>
    public Tensor Sign() => TensorElementwise.Unary<Un.Sign<float>, Un.Sign<double>>(Detach());

    /// <summary>Elementwise max(x, 0).</summary>
    public Tensor Relu()
    {
        var y = TensorElementwise.Unary<Un.Relu<float>, Un.Relu<double>>(this);
        if (NeedsGrad(this)) { var xd = Detach(); y.SetGradFn("ReluBackward", [this], g => [GradKernel.Apply(g, xd, Gradients.ReluBackward, Gradients.ReluBackward)]); }
        return y;
    }

    /// <summary>Elementwise x if x &gt; 0 else slope·x.</summary>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        var y = GradKernel.Map(this, (x, d) => Activations.LeakyRelu(x, (float)negativeSlope, d), (x, d) => Activations.LeakyRelu(x, negativeSlope, d));
        if (NeedsGrad(this))
        {
            var xd = Detach();
            y.SetGradFn("LeakyReluBackward", [this], g => [GradKernel.Apply(g, xd,
                (gs, xs, dx) => Gradients.LeakyReluBackward(gs, xs, (float)negativeSlope, dx),
                (gs, xs, dx) => Gradients.LeakyReluBackward(gs, xs, negativeSlope, dx))]);
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
                ? GradKernel.Apply(g, x, Gradients.GeluTanhBackward, Gradients.GeluTanhBackward)
                : GradKernel.Apply(g, x, Gradients.GeluBackward, Gradients.GeluBackward)]);
        }
        return y;
    }

    /// <summary>Elementwise 1/(1+e⁻ˣ).</summary>
    public Tensor Sigmoid()
    {
        var y = TensorElementwise.Unary<Un.Sigmoid<float>, Un.Sigmoid<double>>(this);
        if (NeedsGrad(this)) { var yd = y.Detach(); y.SetGradFn("SigmoidBackward", [this], g => [GradKernel.Apply(g, yd, Gradients.SigmoidBackward, Gradients.SigmoidBackward)]); }
        return y;
    }

    /// <summary>Elementwise hyperbolic tangent.</summary>
    public Tensor Tanh()
    {
        var y = TensorElementwise.Unary<Un.Tanh<float>, Un.Tanh<double>>(this);
        if (NeedsGrad(this)) { var yd = y.Detach(); y.SetGradFn("TanhBackward", [this], g => [GradKernel.Apply(g, yd, Gradients.TanhBackward, Gradients.TanhBackward)]); }
        return y;
    }

    /// <summary>SiLU / swish: x·sigmoid(x).</summary>
    public Tensor Silu()
    {
        var y = TensorElementwise.Unary<Un.Silu<float>, Un.Silu<double>>(this);
        if (NeedsGrad(this))
        {
            var x = Detach();
            y.SetGradFn("SiluBackward", [this], g => [GradKernel.Apply(g, x, Gradients.SiluBackward, Gradients.SiluBackward)]);
        }
        return y;
    }

    /// <summary>Softplus: (1/β)·log(1+e^(βx)), linear where βx &gt; threshold (as PyTorch).</summary>
    public Tensor Softplus(double beta = 1, double threshold = 20)
    {
        var y = GradKernel.Map(this, (x, d) => Activations.Softplus(x, (float)beta, (float)threshold, d), (x, d) => Activations.Softplus(x, beta, threshold, d));
        if (NeedsGrad(this))
        {
            var xd = Detach();
            y.SetGradFn("SoftplusBackward", [this], g => [GradKernel.Apply(g, xd,
                (gs, xs, dx) => Gradients.SoftplusBackward(gs, xs, (float)beta, (float)threshold, dx),
                (gs, xs, dx) => Gradients.SoftplusBackward(gs, xs, beta, threshold, dx))]);
        }
        return y;
    }

    /// <summary>Clamps into [min, max]; either bound may be null. Gradient passes where the input is inside the bounds.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("Clamp needs at least one of min or max.");
        float? lo32 = min is { } a ? (float)a : null, hi32 = max is { } b ? (float)b : null;
        var y = GradKernel.Map(this, (x, d) => UnaryMath.Clamp(x, lo32, hi32, d), (x, d) => UnaryMath.Clamp(x, min, max, d));
        if (NeedsGrad(this))
        {
            var xd = Detach();
            // The gradient passes where min ≤ x ≤ max, as PyTorch.
            y.SetGradFn("ClampBackward", [this], g => [GradKernel.Apply(g, xd,
                (gs, xs, dx) => Gradients.ClampBackward(gs, xs, lo32, hi32, dx),
                (gs, xs, dx) => Gradients.ClampBackward(gs, xs, min, max, dx))]);
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
        var c = condition.Expand(shape).Contiguous().Span<byte>();
        var y = Empty(dt, shape);
        var ac = a.To(dt).Detach().Expand(shape).Contiguous();
        var bc = b.To(dt).Detach().Expand(shape).Contiguous();
        switch (dt.ElementSize())
        {
            case 1: Select(c, ac.RawSpan<byte>(), bc.RawSpan<byte>(), y.RawSpan<byte>()); break;
            case 4: Select(c, ac.RawSpan<int>(), bc.RawSpan<int>(), y.RawSpan<int>()); break;
            default: Select(c, ac.RawSpan<long>(), bc.RawSpan<long>(), y.RawSpan<long>()); break;
        }
        if (NeedsGrad(a, b))
        {
            var cond = condition.Detach();
            y.SetGradFn("WhereBackward", [a, b], g => [
                a.RequiresGrad ? g.MaskedFill(cond.LogicalNot(), 0).SumToShape(a.ShapeRef) : null,
                b.RequiresGrad ? g.MaskedFill(cond, 0).SumToShape(b.ShapeRef) : null]);
        }
        return y;
    }

    private static void Select<T>(ReadOnlySpan<byte> c, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged
    {
        for (int i = 0; i < y.Length; i++) y[i] = c[i] != 0 ? a[i] : b[i];
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
}
