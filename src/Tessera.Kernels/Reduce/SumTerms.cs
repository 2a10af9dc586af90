using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Operators;

namespace Tessera.Kernels.Reduce;

/// <summary>The terms of the three cascaded sums: Σ op(x_i, s), Σ op(x_i, y_i) and Σ x_i·y_i.</summary>
internal static class SumTerms
{
    /// <summary>op(x_i, s) for a per-row scalar s (a shift, a mean); y is ignored.</summary>
    internal readonly struct Shifted<T, TOp>(TOp op, T s) : ISumTerms<T>
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        private readonly TOp _op = op;
        private readonly T _s = s;
        public static bool Vectorizable => TOp.Vectorizable;
        public static bool FourAccumulators256 => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Term(ref T x, ref T y, nint i) => _op.Invoke(Unsafe.Add(ref x, i), _s);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Term512(ref T x, ref T y, nint i) => _op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.Create(_s));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Term256(ref T x, ref T y, nint i) => _op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.Create(_s));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Accumulate(Vector512<T> acc, ref T x, ref T y, nint i) => acc + Term512(ref x, ref y, i);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Accumulate(Vector256<T> acc, ref T x, ref T y, nint i) => acc + Term256(ref x, ref y, i);
    }

    /// <summary>op(x_i, y_i).</summary>
    internal readonly struct Paired<T, TOp>(TOp op) : ISumTerms<T>
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        private readonly TOp _op = op;
        public static bool Vectorizable => TOp.Vectorizable;
        public static bool FourAccumulators256 => false;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Term(ref T x, ref T y, nint i) => _op.Invoke(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Term512(ref T x, ref T y, nint i) => _op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Term256(ref T x, ref T y, nint i) => _op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Accumulate(Vector512<T> acc, ref T x, ref T y, nint i) => acc + Term512(ref x, ref y, i);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Accumulate(Vector256<T> acc, ref T x, ref T y, nint i) => acc + Term256(ref x, ref y, i);
    }

    /// <summary>x_i·y_i, accumulated with fused multiply-adds for float and double (the masked tail is a plain product).</summary>
    internal readonly struct Dot<T> : ISumTerms<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public static bool FourAccumulators256 => false;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Term(ref T x, ref T y, nint i) => Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Term512(ref T x, ref T y, nint i) => Vector512.LoadUnsafe(ref x, (nuint)i) * Vector512.LoadUnsafe(ref y, (nuint)i);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Term256(ref T x, ref T y, nint i) => Vector256.LoadUnsafe(ref x, (nuint)i) * Vector256.LoadUnsafe(ref y, (nuint)i);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<T> Accumulate(Vector512<T> acc, ref T x, ref T y, nint i) =>
            Fma(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i), acc);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Accumulate(Vector256<T> acc, ref T x, ref T y, nint i) =>
            Fma(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i), acc);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        {
            if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
            return a * b + c;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        {
            if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
            return a * b + c;
        }
    }
}
