using System.Numerics;
using Tessera.Kernels.Operators;
using static Tessera.Kernels.Operators.ArithmeticOperators;
using static Tessera.Kernels.Operators.UnaryOperators;

namespace Tessera.Kernels.Elementwise;

/// <summary>
/// Elementwise binary arithmetic on contiguous spans: tensor-tensor, tensor-scalar and
/// scalar-tensor forms. Every destination may be the same memory as an input (in-place) but must
/// not partially overlap one. Lengths must match. Large spans run in parallel.
/// </summary>
/// <remarks>
/// Add, Subtract, Multiply, Maximum and Minimum also accept integer element types (int, long);
/// Divide and Pow are for floating point only.
/// </remarks>
internal static class Arithmetic
{
    /// <summary>dst = x + y.</summary>
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Binary(new Add<T>(), x, y, dst);

    /// <summary>dst = x + s.</summary>
    public static void Add<T>(ReadOnlySpan<T> x, T s, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Unary(new BindRight<T, Add<T>>(default, s), x, dst);

    /// <summary>dst = x + alpha * y (PyTorch <c>add(x, y, alpha=alpha)</c>).</summary>
    public static void AddScaled<T>(ReadOnlySpan<T> x, T alpha, ReadOnlySpan<T> y, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Binary(new AddScaled<T>(alpha), x, y, dst);

    /// <summary>dst = x - y.</summary>
    public static void Subtract<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Binary(new Subtract<T>(), x, y, dst);

    /// <summary>dst = x - s.</summary>
    public static void Subtract<T>(ReadOnlySpan<T> x, T s, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Unary(new BindRight<T, Subtract<T>>(default, s), x, dst);

    /// <summary>dst = s - x.</summary>
    public static void Subtract<T>(T s, ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Unary(new BindLeft<T, Subtract<T>>(s, default), x, dst);

    /// <summary>dst = x * y.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Binary(new Multiply<T>(), x, y, dst);

    /// <summary>dst = x * s.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, T s, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Unary(new BindRight<T, Multiply<T>>(default, s), x, dst);

    /// <summary>dst = x / y (IEEE: x/0 is ±inf or NaN).</summary>
    public static void Divide<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new Divide<T>(), x, y, dst);

    /// <summary>dst = x / s (a true division, not a multiply by 1/s, so results match PyTorch bit for bit).</summary>
    public static void Divide<T>(ReadOnlySpan<T> x, T s, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new BindRight<T, Divide<T>>(default, s), x, dst);

    /// <summary>dst = s / x.</summary>
    public static void Divide<T>(T s, ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new BindLeft<T, Divide<T>>(s, default), x, dst);

    /// <summary>dst = pow(x, y) elementwise (IEEE pow; scalar code).</summary>
    public static void Pow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Binary(new Pow<T>(), x, y, dst);

    /// <summary>
    /// dst = pow(x, e). As in ATen, e = 0, 1, 2, 3, 0.5, -0.5, -1, -2 take exact vectorised shortcuts
    /// (1, copy, x*x, x*x*x, sqrt, 1/sqrt, 1/x, 1/(x*x)); other exponents use scalar IEEE pow.
    /// </summary>
    public static void Pow<T>(ReadOnlySpan<T> x, T e, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double d = double.CreateTruncating(e);
        if (d == 0.0) ElementwiseDriver.Unary(new Constant<T>(T.One), x, dst);
        else if (d == 1.0) ElementwiseDriver.Unary(new Identity<T>(), x, dst);
        else if (d == 2.0) ElementwiseDriver.Unary(new Square<T>(), x, dst);
        else if (d == 3.0) ElementwiseDriver.Unary(new Cube<T>(), x, dst);
        else if (d == 0.5) ElementwiseDriver.Unary(new Sqrt<T>(), x, dst);
        else if (d == -0.5) ElementwiseDriver.Unary(new Rsqrt<T>(), x, dst);
        else if (d == -1.0) ElementwiseDriver.Unary(new Reciprocal<T>(), x, dst);
        else if (d == -2.0) ElementwiseDriver.Unary(new ReciprocalSquare<T>(), x, dst);
        else ElementwiseDriver.Unary(new BindRight<T, Pow<T>>(default, e), x, dst);
    }

    /// <summary>dst = pow(s, x) for a scalar base (scalar code).</summary>
    public static void Pow<T>(T s, ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new BindLeft<T, Pow<T>>(s, default), x, dst);

    /// <summary>dst = maximum(x, y): NaN if either is NaN; on ties x is returned (matters only for ±0).</summary>
    public static void Maximum<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst) where T : unmanaged, INumber<T> =>
        ElementwiseDriver.Binary(new Maximum<T>(), x, y, dst);

    /// <summary>dst = maximum(x, s).</summary>
    public static void Maximum<T>(ReadOnlySpan<T> x, T s, Span<T> dst) where T : unmanaged, INumber<T> =>
        ElementwiseDriver.Unary(new BindRight<T, Maximum<T>>(default, s), x, dst);

    /// <summary>dst = minimum(x, y): NaN if either is NaN; on ties x is returned.</summary>
    public static void Minimum<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst) where T : unmanaged, INumber<T> =>
        ElementwiseDriver.Binary(new Minimum<T>(), x, y, dst);

    /// <summary>dst = minimum(x, s).</summary>
    public static void Minimum<T>(ReadOnlySpan<T> x, T s, Span<T> dst) where T : unmanaged, INumber<T> =>
        ElementwiseDriver.Unary(new BindRight<T, Minimum<T>>(default, s), x, dst);

    /// <summary>
    /// dst = x op s for any binary operator: the operator with its right operand bound. Pow keeps its
    /// exact shortcuts for common exponents (see <see cref="Pow{T}(ReadOnlySpan{T}, T, Span{T})"/>).
    /// </summary>
    public static void Binary<T, TOp>(TOp op, ReadOnlySpan<T> x, T s, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T>
    {
        // A JIT-time constant per instantiation: no test remains in the compiled code.
        if (typeof(TOp) == typeof(Pow<T>)) Pow(x, s, dst);
        else ElementwiseDriver.Unary(new BindRight<T, TOp>(op, s), x, dst);
    }

    /// <summary>dst = s op x for any binary operator: the operator with its left operand bound.</summary>
    public static void Binary<T, TOp>(TOp op, T s, ReadOnlySpan<T> x, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T> =>
        ElementwiseDriver.Unary(new BindLeft<T, TOp>(s, op), x, dst);
}
