using Tessera.Kernels.Operators;
using Tessera.Ops;
using Arith = Tessera.Kernels.Operators.ArithmeticOperators;

namespace Tessera;

public partial class Tensor
{
    /// <summary>Elementwise this + other, with broadcasting.</summary>
    public Tensor Add(Tensor other)
    {
        DType dt = DTypeInfo.Promote(DType, other.DType);
        if (!dt.IsFloatingPoint()) return IntegerBinary<Arith.Add<long>>(this, other);
        var y = TensorElementwise.Binary<Arith.Add<float>, Arith.Add<double>>(this, other, dt);
        if (NeedsGrad(this, other))
        {
            Tensor a = this, b = other;
            y.SetGradFn("AddBackward", [a, b], g => [g.SumToShape(a.ShapeRef), g.SumToShape(b.ShapeRef)]);
        }
        return y;
    }

    /// <summary>Elementwise this + alpha·other (PyTorch's <c>add(other, alpha=...)</c>).</summary>
    public Tensor Add(Tensor other, double alpha) => alpha == 1 ? Add(other) : Add(other.Mul(alpha));

    /// <summary>Elementwise this − other, with broadcasting.</summary>
    public Tensor Sub(Tensor other)
    {
        DType dt = DTypeInfo.Promote(DType, other.DType);
        if (!dt.IsFloatingPoint()) return IntegerBinary<Arith.Subtract<long>>(this, other);
        var y = TensorElementwise.Binary<Arith.Subtract<float>, Arith.Subtract<double>>(this, other, dt);
        if (NeedsGrad(this, other))
        {
            Tensor a = this, b = other;
            y.SetGradFn("SubBackward", [a, b], g => [g.SumToShape(a.ShapeRef), b.RequiresGrad ? g.Neg().SumToShape(b.ShapeRef) : null]);
        }
        return y;
    }

    /// <summary>Elementwise this · other, with broadcasting.</summary>
    public Tensor Mul(Tensor other)
    {
        DType dt = DTypeInfo.Promote(DType, other.DType);
        if (!dt.IsFloatingPoint()) return IntegerBinary<Arith.Multiply<long>>(this, other);
        var y = TensorElementwise.Binary<Arith.Multiply<float>, Arith.Multiply<double>>(this, other, dt);
        if (NeedsGrad(this, other))
        {
            Tensor a = this, b = other;
            y.SetGradFn("MulBackward", [a, b], g => [
                a.RequiresGrad ? g.Mul(b.Detach()).SumToShape(a.ShapeRef) : null,
                b.RequiresGrad ? g.Mul(a.Detach()).SumToShape(b.ShapeRef) : null]);
        }
        return y;
    }

    /// <summary>Elementwise this / other (true division: integer inputs give Float32), with broadcasting.</summary>
    public Tensor Div(Tensor other)
    {
        DType dt = DTypeInfo.Promote(DType, other.DType);
        if (!dt.IsFloatingPoint()) dt = DType.Float32;
        var y = TensorElementwise.Binary<Arith.Divide<float>, Arith.Divide<double>>(this, other, dt);
        if (NeedsGrad(this, other))
        {
            Tensor a = this, b = other;
            y.SetGradFn("DivBackward", [a, b], g => [
                a.RequiresGrad ? g.Div(b.Detach()).SumToShape(a.ShapeRef) : null,
                b.RequiresGrad ? g.Mul(a.Detach()).Div(b.Detach().Mul(b.Detach())).Neg().SumToShape(b.ShapeRef) : null]);
        }
        return y;
    }

    /// <summary>Elementwise this ^ exponent, with broadcasting.</summary>
    public Tensor Pow(Tensor exponent)
    {
        DType dt = DTypeInfo.Promote(DType, exponent.DType);
        if (!dt.IsFloatingPoint()) dt = DType.Float32;
        var y = TensorElementwise.Binary<Arith.Pow<float>, Arith.Pow<double>>(this, exponent, dt);
        if (NeedsGrad(this, exponent))
        {
            Tensor a = this.Detach(), b = exponent.Detach(), yd = y.Detach();
            Tensor ai = this, bi = exponent;
            y.SetGradFn("PowBackward", [ai, bi], g =>
            {
                Tensor? ga = null, gb = null;
                if (ai.RequiresGrad)
                {
                    // d/da a^b = b·a^(b−1); PyTorch defines it as 0 where b == 0.
                    var d = b.Mul(a.Pow(b.Sub(Scalar(1, b.DType))));
                    ga = g.Mul(d.MaskedFill(b.Eq(Scalar(0, b.DType)), 0)).SumToShape(ai.ShapeRef);
                }
                if (bi.RequiresGrad)
                {
                    // d/db a^b = a^b·ln a; PyTorch masks a == 0 with b >= 0 to 0.
                    var d = yd.Mul(a.Log());
                    var mask = a.Eq(Scalar(0, a.DType)).LogicalAnd(b.Ge(Scalar(0, b.DType)));
                    gb = g.Mul(d.MaskedFill(mask, 0)).SumToShape(bi.ShapeRef);
                }
                return [ga, gb];
            });
        }
        return y;
    }

    /// <summary>Elementwise maximum (NaN propagates); the gradient is split evenly on ties, as in PyTorch.</summary>
    public Tensor Maximum(Tensor other) => MinMax<Arith.Maximum<float>, Arith.Maximum<double>, Arith.Maximum<long>>(other, "MaximumBackward", isMax: true);

    /// <summary>Elementwise minimum (NaN propagates); the gradient is split evenly on ties, as in PyTorch.</summary>
    public Tensor Minimum(Tensor other) => MinMax<Arith.Minimum<float>, Arith.Minimum<double>, Arith.Minimum<long>>(other, "MinimumBackward", isMax: false);

    private Tensor MinMax<TF, TD, TL>(Tensor other, string name, bool isMax)
        where TF : struct, IBinaryOperator<float> where TD : struct, IBinaryOperator<double> where TL : struct, IBinaryOperator<long>
    {
        DType dt = DTypeInfo.Promote(DType, other.DType);
        if (!dt.IsFloatingPoint())
            return IntegerBinary<TL>(this, other);
        var y = TensorElementwise.Binary<TF, TD>(this, other, dt);
        if (NeedsGrad(this, other))
        {
            Tensor a = this, b = other;
            y.SetGradFn(name, [a, b], g =>
            {
                Tensor ad = a.Detach().To(dt), bd = b.Detach().To(dt);
                var wins = (isMax ? ad.Gt(bd) : ad.Lt(bd)).To(dt);
                var ties = ad.Eq(bd).To(dt).Mul(0.5);
                var wa = wins.Add(ties);
                return [
                    a.RequiresGrad ? g.Mul(wa).SumToShape(a.ShapeRef) : null,
                    b.RequiresGrad ? g.Mul(Scalar(1, dt).Sub(wa)).SumToShape(b.ShapeRef) : null];
            });
        }
        return y;
    }

    /// <summary>Elementwise −this.</summary>
    public Tensor Neg()
    {
        if (!DType.IsFloatingPoint()) return IntegerBinary<Arith.Subtract<long>>(Scalar(0, DType), this);
        return Mul(-1.0);
    }

    /// <summary>this + scalar. An integer tensor stays integer (PyTorch's rule for integer scalars).</summary>
    public Tensor Add(long scalar) => Add(ScalarLike(scalar));

    /// <summary>this + scalar. An integer or bool tensor gives float32, whatever the value (PyTorch's rule for float scalars).</summary>
    public Tensor Add(double scalar) => Add(ScalarLike(scalar));

    /// <summary>this − scalar (integer tensors stay integer).</summary>
    public Tensor Sub(long scalar) => Sub(ScalarLike(scalar));

    /// <summary>this − scalar (integer tensors give float32).</summary>
    public Tensor Sub(double scalar) => Sub(ScalarLike(scalar));

    /// <summary>this · scalar (integer tensors stay integer).</summary>
    public Tensor Mul(long scalar) => Mul(ScalarLike(scalar));

    /// <summary>this · scalar (integer tensors give float32, even for 2.0).</summary>
    public Tensor Mul(double scalar) => Mul(ScalarLike(scalar));

    /// <summary>this / scalar (true division: always floating point).</summary>
    public Tensor Div(double scalar) => Div(ScalarLike(scalar));

    /// <summary>this ^ exponent.</summary>
    public Tensor Pow(double exponent) => Pow(ScalarLike(exponent));

    /// <summary>Elementwise maximum with a scalar (integer tensors stay integer).</summary>
    public Tensor Maximum(long scalar) => Maximum(ScalarLike(scalar));

    /// <summary>Elementwise maximum with a scalar (integer tensors give float32).</summary>
    public Tensor Maximum(double scalar) => Maximum(ScalarLike(scalar));

    /// <summary>Elementwise minimum with a scalar (integer tensors stay integer).</summary>
    public Tensor Minimum(long scalar) => Minimum(ScalarLike(scalar));

    /// <summary>Elementwise minimum with a scalar (integer tensors give float32).</summary>
    public Tensor Minimum(double scalar) => Minimum(ScalarLike(scalar));

    /// <summary>
    /// A 0-d tensor holding a C# floating-point scalar, typed so that promotion with this tensor follows PyTorch's
    /// scalar rule (<see cref="DTypeInfo.PromoteWithScalar"/>): the result dtype depends on the scalar's type, never its value.
    /// </summary>
    private Tensor ScalarLike(double value) => Scalar(value, DTypeInfo.PromoteWithScalar(DType, DTypeKind.Float));

    /// <summary>A 0-d tensor holding a C# integer scalar (see <see cref="ScalarLike(double)"/>).</summary>
    private Tensor ScalarLike(long value)
    {
        var t = Empty(DTypeInfo.PromoteWithScalar(DType, DTypeKind.SignedInteger));
        t.SetFlat(0, value);
        return t;
    }

    /// <inheritdoc cref="Add(Tensor)"/>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <inheritdoc cref="Sub(Tensor)"/>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <inheritdoc cref="Mul(Tensor)"/>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <inheritdoc cref="Div(Tensor)"/>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <inheritdoc cref="Neg"/>
    public static Tensor operator -(Tensor a) => a.Neg();
    /// <summary>Tensor plus integer scalar (integer tensors stay integer).</summary>
    public static Tensor operator +(Tensor a, long s) => a.Add(s);
    /// <summary>Integer scalar plus tensor.</summary>
    public static Tensor operator +(long s, Tensor a) => a.Add(s);
    /// <summary>Tensor minus integer scalar.</summary>
    public static Tensor operator -(Tensor a, long s) => a.Sub(s);
    /// <summary>Integer scalar minus tensor.</summary>
    public static Tensor operator -(long s, Tensor a) => a.ScalarLike(s).Sub(a);
    /// <summary>Tensor times integer scalar.</summary>
    public static Tensor operator *(Tensor a, long s) => a.Mul(s);
    /// <summary>Integer scalar times tensor.</summary>
    public static Tensor operator *(long s, Tensor a) => a.Mul(s);
    /// <summary>Tensor plus scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => a.Add(s);
    /// <summary>Scalar plus tensor.</summary>
    public static Tensor operator +(double s, Tensor a) => a.Add(s);
    /// <summary>Tensor minus scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => a.Sub(s);
    /// <summary>Scalar minus tensor.</summary>
    public static Tensor operator -(double s, Tensor a) => a.ScalarLike(s).Sub(a);
    /// <summary>Tensor times scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => a.Mul(s);
    /// <summary>Scalar times tensor.</summary>
    public static Tensor operator *(double s, Tensor a) => a.Mul(s);
    /// <summary>Tensor divided by scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => a.Div(s);
    /// <summary>Scalar divided by tensor.</summary>
    public static Tensor operator /(double s, Tensor a) => a.ScalarLike(s).Div(a);

    /// <summary>
    /// a op b for integer and bool operands (no autograd): computed in int64 by the same operator structs as
    /// the floating ops, then narrowed to the promoted dtype (bool gives int64, as before).
    /// </summary>
    private static Tensor IntegerBinary<TOp>(Tensor a, Tensor b) where TOp : struct, IBinaryOperator<long>
    {
        DType dt = DTypeInfo.Promote(a.DType, b.DType);
        if (dt == DType.Bool) dt = DType.Int64;
        int[] shape = ShapeUtil.BroadcastShapes(a.Shape, b.Shape);
        var av = a.To(DType.Int64).Expand(shape).Contiguous();
        var bv = b.To(DType.Int64).Expand(shape).Contiguous();
        var y = Empty(DType.Int64, shape);
        ElementwiseDriver.Binary(default(TOp), av.Span<long>(), bv.Span<long>(), y.Span<long>());
        return dt == DType.Int64 ? y : y.To(dt);
    }

    /// <summary>f(x) for integer and bool input (no autograd), computed in int64 and narrowed back as <see cref="IntegerBinary{TOp}"/>.</summary>
    private static Tensor IntegerUnary<TOp>(Tensor x) where TOp : struct, IUnaryOperator<long>
    {
        DType dt = x.DType == DType.Bool ? DType.Int64 : x.DType;
        var xv = x.To(DType.Int64).Contiguous();
        var y = Empty(DType.Int64, xv.ShapeArray());
        ElementwiseDriver.Unary(default(TOp), xv.Span<long>(), y.Span<long>());
        return dt == DType.Int64 ? y : y.To(dt);
    }

    /// <summary>Sums this (a gradient) down to <paramref name="shape"/>, undoing broadcasting.</summary>
    internal Tensor SumToShape(int[] shape)
    {
        if (ShapeUtil.SameShape(Shape, shape)) return this;
        int lead = Rank - shape.Length;
        var dims = new List<int>();
        for (int i = 0; i < Rank; i++)
            if (i < lead || (shape[i - lead] == 1 && _shape[i] != 1)) dims.Add(i);
        var summed = dims.Count > 0 ? Sum(dims.ToArray(), keepDim: true) : this;
        return summed.Reshape(shape);
    }
}
