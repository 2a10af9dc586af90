using System.Numerics;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Operators;

/// <summary>
/// Maps applied to each element before a sum: f(x, s) where s is a per-row (or per-column) shift,
/// e.g. the mean for a variance or the max for a log-sum-exp.
/// </summary>
internal static class ReductionOperators
{
    /// <summary>f(x, s) = x.</summary>
    internal readonly struct Value<T> : IBinaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T s) => x;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> s) => x;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> s) => x;
    }

    /// <summary>f(x, s) = x * x.</summary>
    internal readonly struct Square<T> : IBinaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T s) => x * x;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> s) => x * x;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> s) => x * x;
    }

    /// <summary>f(x, s) = x - s.</summary>
    internal readonly struct Diff<T> : IBinaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T s) => x - s;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> s) => x - s;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> s) => x - s;
    }

    /// <summary>f(x, s) = (x - s)^2.</summary>
    internal readonly struct SquaredDiff<T> : IBinaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T s) { T d = x - s; return d * d; }
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> s) { Vector256<T> d = x - s; return d * d; }
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> s) { Vector512<T> d = x - s; return d * d; }
    }

    /// <summary>f(x, s) = e^(x - s).</summary>
    internal readonly struct ExpDiff<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T x, T s) => T.Exp(x - s);
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> s) => VectorMath.Exp(x - s);
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> s) => VectorMath.Exp(x - s);
    }
}
