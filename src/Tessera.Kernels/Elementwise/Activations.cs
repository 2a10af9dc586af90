using System.Numerics;
using Tessera.Kernels.Operators;
using static Tessera.Kernels.Operators.UnaryOperators;

namespace Tessera.Kernels.Elementwise;

/// <summary>Activation functions on contiguous spans (dst may be x itself), matching PyTorch semantics.</summary>
internal static class Activations
{
    /// <summary>dst = x &lt; 0 ? 0 : x (NaN stays NaN, as torch.relu).</summary>
    public static void Relu<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, INumber<T> =>
        ElementwiseDriver.Unary(new Relu<T>(), x, dst);

    /// <summary>dst = x &gt; 0 ? x : x * negativeSlope.</summary>
    public static void LeakyRelu<T>(ReadOnlySpan<T> x, T negativeSlope, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new LeakyRelu<T>(negativeSlope), x, dst);

    /// <summary>Exact GELU: dst = 0.5 x (1 + erf(x / sqrt 2)) (float: about 1e-7 * |x| absolute error).</summary>
    public static void Gelu<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Gelu<T>(), x, dst);

    /// <summary>Tanh GELU: dst = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).</summary>
    public static void GeluTanh<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new GeluTanh<T>(), x, dst);

    /// <summary>dst = x * sigmoid(x).</summary>
    public static void Silu<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Silu<T>(), x, dst);

    /// <summary>Softplus with PyTorch's defaults beta = 1, threshold = 20.</summary>
    public static void Softplus<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        Softplus(x, T.One, T.CreateTruncating(20), dst);

    /// <summary>dst = beta*x &gt; threshold ? x : log(1 + e^(beta x)) / beta.</summary>
    public static void Softplus<T>(ReadOnlySpan<T> x, T beta, T threshold, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseDriver.Unary(new Softplus<T>(beta, threshold), x, dst);

    /// <summary>dst = sigmoid(x) (same kernel as <see cref="UnaryMath.Sigmoid{T}"/>).</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        UnaryMath.Sigmoid(x, dst);

    /// <summary>dst = tanh(x) (same kernel as <see cref="UnaryMath.Tanh{T}"/>).</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> =>
        UnaryMath.Tanh(x, dst);
}
