using System.Numerics;
using Tessera.Kernels.Elementwise;

namespace Tessera.Ops;

internal struct ExpFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => UnaryMath.Exp(x, y);
}

internal struct LogFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => UnaryMath.Log(x, y);
}

internal struct SqrtFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => UnaryMath.Sqrt(x, y);
}

internal struct RsqrtFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => UnaryMath.Rsqrt(x, y);
}

internal struct AbsFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => UnaryMath.Abs(x, y);
}

internal struct SignFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] > T.Zero ? T.One : x[i] < T.Zero ? -T.One : x[i];
    }
}

internal struct ReluFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Activations.Relu(x, y);
}

internal struct SigmoidFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Activations.Sigmoid(x, y);
}

internal struct TanhFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Activations.Tanh(x, y);
}

internal struct SiluFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        => Activations.Silu(x, y);
}

internal struct GeluErfFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Activations.Gelu(x, y);
}

internal struct GeluTanhFn : IUnaryFn
{
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Activations.GeluTanh(x, y);
}
