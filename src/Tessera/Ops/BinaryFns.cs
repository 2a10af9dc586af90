using System.Numerics;
using Tessera.Kernels.Elementwise;

namespace Tessera.Ops;

internal struct AddFn : IBinaryFn
{
    public static BinaryOp Kind => BinaryOp.Add;
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a + b;
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Add(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Add(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Add(b, a, y);
}

internal struct SubFn : IBinaryFn
{
    public static BinaryOp Kind => BinaryOp.Subtract;
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a - b;
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Subtract(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Subtract(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Subtract(a, b, y);
}

internal struct MulFn : IBinaryFn
{
    public static BinaryOp Kind => BinaryOp.Multiply;
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * b;
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Multiply(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Multiply(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Multiply(b, a, y);
}

internal struct DivFn : IBinaryFn
{
    public static BinaryOp Kind => BinaryOp.Divide;
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a / b;
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Divide(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Divide(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Divide(a, b, y);
}

internal struct PowFn : IBinaryFn
{
    public static BinaryOp Kind => BinaryOp.Pow;
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Pow(a, b);
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Pow(a, b, y);
    // The kernel special-cases common exponents (2, 3, ±0.5, −1, ...) as PyTorch does.
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Pow(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Pow(a, b, y);
}

internal struct MaximumFn : IBinaryFn
{
    public static BinaryOp Kind => BinaryOp.Maximum;
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(a) || T.IsNaN(b) ? T.NaN : (a > b ? a : b);
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Maximum(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Maximum(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Maximum(b, a, y);
}

internal struct MinimumFn : IBinaryFn
{
    public static BinaryOp Kind => BinaryOp.Minimum;
    public static T Scalar<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(a) || T.IsNaN(b) ? T.NaN : (a < b ? a : b);
    public static void Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Minimum(a, b, y);
    public static void SpanScalar<T>(ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Minimum(a, b, y);
    public static void ScalarSpan<T>(T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Arithmetic.Minimum(b, a, y);
}

internal struct EqFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a == b; }
internal struct NeFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a != b; }
internal struct LtFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a < b; }
internal struct LeFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a <= b; }
internal struct GtFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a > b; }
internal struct GeFn : ICompareFn { public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a >= b; }
