using System.Numerics;
using Tessera.Kernels.Elementwise;

namespace Tessera.Ops;

internal struct ExpFn : IUnaryFn
{
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => UnaryMath.Exp(x, y);
}

internal struct LogFn : IUnaryFn
{
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => UnaryMath.Log(x, y);
}

internal struct SqrtFn : IUnaryFn
{
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x);
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => UnaryMath.Sqrt(x, y);
}

internal struct RsqrtFn : IUnaryFn
{
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / T.Sqrt(x);
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => UnaryMath.Rsqrt(x, y);
}

internal struct AbsFn : IUnaryFn
{
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x);
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => UnaryMath.Abs(x, y);
}

internal struct SignFn : IUnaryFn
{
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? T.One : x < T.Zero ? -T.One : x;
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = Scalar(x[i]);
    }
}

internal struct ReluFn : IUnaryFn
{
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(x) ? x : x > T.Zero ? x : T.Zero;
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Activations.Relu(x, y);
}

internal struct SigmoidFn : IUnaryFn
{
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Activations.Sigmoid(x, y);
}

internal struct TanhFn : IUnaryFn
{
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Activations.Tanh(x, y);
}

internal struct SiluFn : IUnaryFn
{
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x / (T.One + T.Exp(-x));
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        => Activations.Silu(x, y);
}

internal struct GeluErfFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Activations.Gelu(x, y);
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        => T.CreateTruncating(0.5) * x * (T.One + T.CreateTruncating(SpecialFunctions.Erf(double.CreateTruncating(x) * 0.70710678118654752440)));
}

internal struct GeluTanhFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Activations.GeluTanh(x, y);
    public static T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T k = T.CreateTruncating(0.79788456080286535588); // sqrt(2/pi)
        T inner = k * (x + T.CreateTruncating(0.044715) * x * x * x);
        return T.CreateTruncating(0.5) * x * (T.One + T.Tanh(inner));
    }
}
