using System.Numerics;

namespace Tessera.Ops;

/// <summary>A binary elementwise function over float/double spans, with its scalar reference.</summary>
internal interface IBinaryFn
{
    /// <summary>The kernel operator, for the dedicated 2-D broadcast kernels.</summary>
    static abstract Tessera.Kernels.Elementwise.BinaryOp Kind { get; }
    static abstract T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;
    static abstract void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
    static abstract void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
    static abstract void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A unary elementwise function over float/double spans (the kernels carry the scalar references).</summary>
internal interface IUnaryFn
{
    static abstract void Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A comparison producing a 0/1 byte.</summary>
internal interface ICompareFn
{
    static abstract bool Test<T>(T a, T b) where T : unmanaged, INumber<T>;
}
