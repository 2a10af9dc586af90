using System.Numerics;
using Tessera.Kernels.Operators;
using static Tessera.Kernels.Operators.ArithmeticOperators;
using static Tessera.Kernels.Operators.GradientOperators;
using static Tessera.Kernels.Operators.UnaryOperators;

namespace Tessera.Kernels.Elementwise;

/// <summary>
/// Backward helpers for autograd: upstream gradient <c>g</c> plus the saved input <c>x</c> or saved
/// output <c>y</c> -> input gradient <c>dx</c>. Formulas follow PyTorch's derivatives.yaml. All
/// spans have the same length; <c>dx</c> may be the same memory as <c>g</c>.
/// </summary>
internal static class Gradients
{
    /// <summary>dx = x &lt;= 0 ? 0 : g. Pass the saved input or output (same sign pattern).</summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, INumber<T> =>
        ElementwiseDriver.Binary(new ReluBackward<T>(), g, x, dx);

    /// <summary>dx = x &gt; 0 ? g : g * negativeSlope.</summary>
    public static void LeakyReluBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T negativeSlope, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new LeakyReluBackward<T>(negativeSlope), g, x, dx);

    /// <summary>Exact GELU: dx = g * (Phi(x) + x * phi(x)), phi the standard normal density.</summary>
    public static void GeluBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new GeluBackward<T>(), g, x, dx);

    /// <summary>Tanh GELU backward from the saved input x.</summary>
    public static void GeluTanhBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new GeluTanhBackward<T>(), g, x, dx);

    /// <summary>dx = g * y * (1 - y) from the saved output y = sigmoid(x).</summary>
    public static void SigmoidBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new SigmoidBackward<T>(), g, y, dx);

    /// <summary>dx = g * (1 - y^2) from the saved output y = tanh(x).</summary>
    public static void TanhBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new TanhBackward<T>(), g, y, dx);

    /// <summary>dx = g * s * (1 + x (1 - s)), s = sigmoid(x), from the saved input x.</summary>
    public static void SiluBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new SiluBackward<T>(), g, x, dx);

    /// <summary>Softplus backward with beta = 1, threshold = 20.</summary>
    public static void SoftplusBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        SoftplusBackward(g, x, T.One, T.CreateTruncating(20), dx);

    /// <summary>dx = beta*x &gt; threshold ? g : g * sigmoid(beta x), from the saved input x.</summary>
    public static void SoftplusBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T beta, T threshold, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new SoftplusBackward<T>(beta, threshold), g, x, dx);

    /// <summary>dx = g * sign(x), with sign(0) = sign(NaN) = 0.</summary>
    public static void AbsBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, INumber<T> =>
        ElementwiseDriver.Binary(new AbsBackward<T>(), g, x, dx);

    /// <summary>dx = (min &lt;= x &lt;= max) ? g : 0; a null bound is absent; NaN x gets 0.</summary>
    public static void ClampBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T? min, T? max, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new ClampBackward<T>(min ?? T.NegativeInfinity, max ?? T.PositiveInfinity), g, x, dx);

    /// <summary>dx = g / (2y) from the saved output y = sqrt(x).</summary>
    public static void SqrtBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new SqrtBackward<T>(), g, y, dx);

    /// <summary>dx = -0.5 g y^3 from the saved output y = rsqrt(x).</summary>
    public static void RsqrtBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new RsqrtBackward<T>(), g, y, dx);

    /// <summary>Gradient of pow(x, e) for a scalar exponent: dx = e == 0 ? 0 : g * e * x^(e-1).</summary>
    public static void PowBackwardBase<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T exponent, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double d = double.CreateTruncating(exponent);
        if (d == 0.0) { ElementwiseDriver.Binary(new ConstantBinary<T>(T.Zero), g, x, dx); return; }
        // x^(e-1) through the same shortcuts pow(x, e-1) would take.
        double m = d - 1.0;
        if (m == 0.0) ElementwiseDriver.Binary(new PowBackwardBaseScalar<T, Constant<T>>(exponent, new Constant<T>(T.One)), g, x, dx);
        else if (m == 1.0) ElementwiseDriver.Binary(new PowBackwardBaseScalar<T, Identity<T>>(exponent, default), g, x, dx);
        else if (m == 2.0) ElementwiseDriver.Binary(new PowBackwardBaseScalar<T, Square<T>>(exponent, default), g, x, dx);
        else if (m == 3.0) ElementwiseDriver.Binary(new PowBackwardBaseScalar<T, Cube<T>>(exponent, default), g, x, dx);
        else if (m == 0.5) ElementwiseDriver.Binary(new PowBackwardBaseScalar<T, Sqrt<T>>(exponent, default), g, x, dx);
        else if (m == -0.5) ElementwiseDriver.Binary(new PowBackwardBaseScalar<T, Rsqrt<T>>(exponent, default), g, x, dx);
        else if (m == -1.0) ElementwiseDriver.Binary(new PowBackwardBaseScalar<T, Reciprocal<T>>(exponent, default), g, x, dx);
        else if (m == -2.0) ElementwiseDriver.Binary(new PowBackwardBaseScalar<T, ReciprocalSquare<T>>(exponent, default), g, x, dx);
        else ElementwiseDriver.Binary(new PowBackwardBaseScalar<T, BindRight<T, Pow<T>>>(exponent, new BindRight<T, Pow<T>>(default, T.CreateTruncating(m))), g, x, dx);
    }

    /// <summary>Gradient of pow(x, e) with respect to x, tensor exponent: dx = e == 0 ? 0 : g * e * x^(e-1).</summary>
    public static void PowBackwardBase<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> exponent, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Ternary(new PowBackwardBase<T>(), g, x, exponent, dx);

    /// <summary>Gradient of pow(x, e) with respect to e: de = (x == 0 and e &gt;= 0) ? 0 : g * x^e * ln x.</summary>
    public static void PowBackwardExponent<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> exponent, Span<T> de) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Ternary(new PowBackwardExponent<T>(), g, x, exponent, de);

    /// <summary>Gradient of pow(s, e) (scalar base) with respect to e: de = (s == 0 and e &gt;= 0) ? 0 : g * s^e * ln s.</summary>
    public static void PowBackwardExponent<T>(ReadOnlySpan<T> g, T baseValue, ReadOnlySpan<T> exponent, Span<T> de) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new PowBackwardExponentScalarBase<T>(baseValue), g, exponent, de);

    /// <summary>Gradient of a / b with respect to a: da = g / b.</summary>
    public static void DivBackwardLeft<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> b, Span<T> da) where T : unmanaged, IFloatingPointIeee754<T> =>
        Arithmetic.Divide(g, b, da);

    /// <summary>Gradient of a / b with respect to b: db = -g * a / (b * b).</summary>
    public static void DivBackwardRight<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Ternary(new DivBackwardRight<T>(), g, a, b, db);

    /// <summary>
    /// Gradients of maximum(a, b): where a == b both get g/2; otherwise the larger operand gets g
    /// and the other 0 (a NaN operand: both get g, as PyTorch). Either output may be empty to skip it.
    /// </summary>
    public static void MaximumBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> da, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!da.IsEmpty) ElementwiseDriver.Ternary(new ExtremumBackward<T>(loseWhenLess: true), g, a, b, da);
        if (!db.IsEmpty) ElementwiseDriver.Ternary(new ExtremumBackward<T>(loseWhenLess: false), g, a, b, db);
    }

    /// <summary>Gradients of minimum(a, b); see <see cref="MaximumBackward{T}"/>.</summary>
    public static void MinimumBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> da, Span<T> db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!da.IsEmpty) ElementwiseDriver.Ternary(new ExtremumBackward<T>(loseWhenLess: false), g, a, b, da);
        if (!db.IsEmpty) ElementwiseDriver.Ternary(new ExtremumBackward<T>(loseWhenLess: true), g, a, b, db);
    }
}
