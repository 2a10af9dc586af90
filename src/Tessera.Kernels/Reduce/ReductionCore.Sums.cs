using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Operators;

namespace Tessera.Kernels.Reduce;

// The sums built on the cascade: Σ op(x_i, s), Σ op(x_i, y_i) and Σ x_i·y_i.
internal static unsafe partial class ReductionCore
{
    /// <summary>Σ op(x_i, s) over a contiguous row of any length, in the documented order (serial).</summary>
    public static T RowSum<T, TOp>(TOp op, T s, bool simd, ref T x, nint n)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T> =>
        Cascade(new SumTerms.Shifted<T, TOp>(op, s), simd, ref x, ref x, n);

    /// <summary>
    /// dst[o] = Σ op(x[o, i], s_o) for rows o in [o0, o1) of <paramref name="n"/> contiguous elements,
    /// the same bits as calling <see cref="RowSum{T, TOp}"/> per row. Rows of at most one chunk (a
    /// softmax or a sum over a 1024-wide last axis) run in one inlined loop without per-row calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void RowSums<T, TOp>(TOp op, bool simd, ref T x, nint n, ref T shift, bool hasShift, ref T dst, nint o0, nint o1)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        if (simd && TOp.Vectorizable && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported
            && n >= Vector512<T>.Count && n <= ChunkLength)
        {
            for (nint o = o0; o < o1; o++)
            {
                ref T row = ref Unsafe.Add(ref x, o * n);
                var terms = new SumTerms.Shifted<T, TOp>(op, hasShift ? Unsafe.Add(ref shift, o) : T.Zero);
                Unsafe.Add(ref dst, o) = Vector512.Sum(ChunkCascade512(terms, ref row, ref row, n));
            }
            return;
        }
        for (nint o = o0; o < o1; o++)
            Unsafe.Add(ref dst, o) = RowSum(op, hasShift ? Unsafe.Add(ref shift, o) : T.Zero, simd, ref Unsafe.Add(ref x, o * n), n);
    }

    /// <summary>As <see cref="RowSum{T, TOp}"/>, with super-blocks spread over threads (same bits).</summary>
    public static T RowSumParallel<T, TOp>(TOp op, T s, bool simd, ReadOnlySpan<T> x)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T> =>
        CascadeParallel(new SumTerms.Shifted<T, TOp>(op, s), simd, x, x);

    /// <summary>Σ op(x_i, y_i) over two contiguous rows, in the documented order (serial).</summary>
    public static T RowSum2<T, TOp>(TOp op, bool simd, ref T x, ref T y, nint n)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T> =>
        Cascade(new SumTerms.Paired<T, TOp>(op), simd, ref x, ref y, n);

    /// <summary>Σ x_i y_i (fused multiply-adds), in the documented order (serial).</summary>
    public static T RowDot<T>(bool simd, ref T x, ref T y, nint n) where T : unmanaged, INumberBase<T> =>
        Cascade(new SumTerms.Dot<T>(), simd, ref x, ref y, n);

    /// <summary>As <see cref="RowDot{T}"/>, with super-blocks spread over threads (same bits).</summary>
    public static T RowDotParallel<T>(bool simd, ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, INumberBase<T> =>
        CascadeParallel(new SumTerms.Dot<T>(), simd, x, y);
}
