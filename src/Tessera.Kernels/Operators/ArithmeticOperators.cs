using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Operators;

/// <summary>Binary arithmetic operators and the adapters that bind one operand to a scalar.</summary>
internal static class ArithmeticOperators
{
    internal readonly struct Add<T> : IBinaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T y) => x + y;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + y;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + y;
    }

    internal readonly struct Subtract<T> : IBinaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T y) => x - y;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x - y;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x - y;
    }

    internal readonly struct Multiply<T> : IBinaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T y) => x * y;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x * y;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x * y;
    }

    internal readonly struct Divide<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T y) => x / y;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x / y;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x / y;
    }

    /// <summary>x + alpha*y (PyTorch's add with alpha).</summary>
    internal readonly struct AddScaled<T>(T alpha) : IBinaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        private readonly T _alpha = alpha;
        public static bool Vectorizable => true;
        public T Invoke(T x, T y) => x + _alpha * y;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + Vector256.Create(_alpha) * y;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + Vector512.Create(_alpha) * y;
    }

    /// <summary>
    /// PyTorch's maximum: NaN in either operand gives NaN; on equal operands (including -0 vs +0)
    /// the left one is returned, as ATen does.
    /// </summary>
    internal readonly struct Maximum<T> : IBinaryOperator<T> where T : unmanaged, INumber<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T y) => x < y || T.IsNaN(y) ? y : x;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) =>
            Vector256.ConditionalSelect(Vector256.LessThan(x, y) | ~Vector256.Equals(y, y), y, x);
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) =>
            Vector512.ConditionalSelect(Vector512.LessThan(x, y) | ~Vector512.Equals(y, y), y, x);
    }

    /// <summary>PyTorch's minimum; see <see cref="Maximum{T}"/>.</summary>
    internal readonly struct Minimum<T> : IBinaryOperator<T> where T : unmanaged, INumber<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T y) => x > y || T.IsNaN(y) ? y : x;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, y) | ~Vector256.Equals(y, y), y, x);
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, y) | ~Vector512.Equals(y, y), y, x);
    }

    /// <summary>IEEE pow for two tensors (scalar code: there is no accurate vector pow).</summary>
    internal readonly struct Pow<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => false;
        public T Invoke(T x, T y) => T.Pow(x, y);
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => throw new NotSupportedException();
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => throw new NotSupportedException();
    }

    /// <summary>x op s: a binary operator with its right operand bound to a scalar.</summary>
    internal readonly struct BindRight<T, TOp>(TOp op, T right) : IUnaryOperator<T>
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        private readonly TOp _op = op;
        private readonly T _right = right;
        public static bool Vectorizable => TOp.Vectorizable;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Invoke(T x) => _op.Invoke(x, _right);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Invoke(Vector256<T> x) => _op.Invoke(x, Vector256.Create(_right));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Invoke(Vector512<T> x) => _op.Invoke(x, Vector512.Create(_right));
    }

    /// <summary>s op x: a binary operator with its left operand bound to a scalar.</summary>
    internal readonly struct BindLeft<T, TOp>(T left, TOp op) : IUnaryOperator<T>
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        private readonly TOp _op = op;
        private readonly T _left = left;
        public static bool Vectorizable => TOp.Vectorizable;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Invoke(T x) => _op.Invoke(_left, x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Invoke(Vector256<T> x) => _op.Invoke(Vector256.Create(_left), x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Invoke(Vector512<T> x) => _op.Invoke(Vector512.Create(_left), x);
    }
}
