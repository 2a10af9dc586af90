using System.Numerics;
using Tessera.Kernels.Operators;
using static Tessera.Kernels.Operators.UnaryOperators;

namespace Tessera.Kernels.Elementwise;

/// <summary>
/// Elementwise unary math on contiguous spans (dst may be x itself). Float exp/tanh/erf/sigmoid
/// use this project's vector routines (about 1-2 ulp; erf about 1.2e-7 absolute); double
/// exp/log/sigmoid are vectorised with the BCL routines; double tanh and erf run scalar.
/// </summary>
internal static class UnaryMath
{
    /// <summary>dst = -x.</summary>
    public static void Negate<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Unary(new Negate<T>(), x, dst);

    /// <summary>dst = |x|.</summary>
    public static void Abs<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Unary(new Abs<T>(), x, dst);

    /// <summary>dst = e^x.</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Exp<T>(), x, dst);

    /// <summary>dst = ln x (NaN for x &lt; 0, -inf at 0).</summary>
    public static void Log<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Log<T>(), x, dst);

    /// <summary>dst = sqrt(x).</summary>
    public static void Sqrt<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Sqrt<T>(), x, dst);

    /// <summary>dst = 1 / sqrt(x) (correctly rounded sqrt then division, no estimate).</summary>
    public static void Rsqrt<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Rsqrt<T>(), x, dst);

    /// <summary>dst = x * x.</summary>
    public static void Square<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, INumberBase<T> =>
        ElementwiseDriver.Unary(new Square<T>(), x, dst);

    /// <summary>dst = 1 / x.</summary>
    public static void Reciprocal<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Reciprocal<T>(), x, dst);

    /// <summary>dst = erf(x).</summary>
    public static void Erf<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Erf<T>(), x, dst);

    /// <summary>dst = tanh(x).</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Tanh<T>(), x, dst);

    /// <summary>dst = 1 / (1 + e^-x).</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Sigmoid<T>(), x, dst);

    /// <summary>
    /// dst = min(max(x, min), max) as PyTorch's clamp: either bound may be null (absent); NaN in x
    /// stays NaN; when min &gt; max every element becomes max.
    /// </summary>
    public static void Clamp<T>(ReadOnlySpan<T> x, T? min, T? max, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Clamp<T>(min ?? T.NegativeInfinity, max ?? T.PositiveInfinity), x, dst);
}
