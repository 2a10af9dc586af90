using System.Numerics;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Operators;

/// <summary>The six comparison operators.</summary>
internal static class ComparisonOperators
{
    internal readonly struct Equal<T> : IComparisonOperator<T> where T : unmanaged, INumber<T>
    {
        public static bool Invoke(T x, T y) => x == y;
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.Equals(x, y);
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.Equals(x, y);
    }

    internal readonly struct NotEqual<T> : IComparisonOperator<T> where T : unmanaged, INumber<T>
    {
        public static bool Invoke(T x, T y) => x != y;
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => ~Vector256.Equals(x, y);
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => ~Vector512.Equals(x, y);
    }

    internal readonly struct LessThan<T> : IComparisonOperator<T> where T : unmanaged, INumber<T>
    {
        public static bool Invoke(T x, T y) => x < y;
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.LessThan(x, y);
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.LessThan(x, y);
    }

    internal readonly struct LessThanOrEqual<T> : IComparisonOperator<T> where T : unmanaged, INumber<T>
    {
        public static bool Invoke(T x, T y) => x <= y;
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.LessThanOrEqual(x, y);
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.LessThanOrEqual(x, y);
    }

    internal readonly struct GreaterThan<T> : IComparisonOperator<T> where T : unmanaged, INumber<T>
    {
        public static bool Invoke(T x, T y) => x > y;
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThan(x, y);
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.GreaterThan(x, y);
    }

    internal readonly struct GreaterThanOrEqual<T> : IComparisonOperator<T> where T : unmanaged, INumber<T>
    {
        public static bool Invoke(T x, T y) => x >= y;
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThanOrEqual(x, y);
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.GreaterThanOrEqual(x, y);
    }
}
