using System.Numerics;
using System.Numerics.Tensors;

namespace Tessera.Ops;

internal struct AddFn : IBinaryFn
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a + b;
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(b, a, y);
}

internal struct SubFn : IBinaryFn
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a - b;
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, y);
}

internal struct MulFn : IBinaryFn
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * b;
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(b, a, y);
}

internal struct DivFn : IBinaryFn
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a / b;
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, y);
}

internal struct PowFn : IBinaryFn
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Pow(a, b);
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Common exponents exactly as PyTorch special-cases them (and much faster than pow).
        if (b == T.CreateTruncating(2)) TensorPrimitives.Multiply(a, a, y);
        else if (b == T.One) a.CopyTo(y);
        else if (b == T.CreateTruncating(0.5)) TensorPrimitives.Sqrt(a, y);
        else TensorPrimitives.Pow(a, b, y);
    }
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, y);
}

internal struct MaximumFn : IBinaryFn
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(a) || T.IsNaN(b) ? T.NaN : (a > b ? a : b);
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(b, a, y);
}

internal struct MinimumFn : IBinaryFn
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(a) || T.IsNaN(b) ? T.NaN : (a < b ? a : b);
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(b, a, y);
}

internal struct EqFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a == b; }
internal struct NeFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a != b; }
internal struct LtFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a < b; }
internal struct LeFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a <= b; }
internal struct GtFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a > b; }
internal struct GeFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a >= b; }
