using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Operators;

namespace Tessera.Kernels.Reduce;

// Reductions over a non-innermost axis: Σ_r op(x[r, j], s[j]) per column, blocks of ColumnBlock rows cascaded.
internal static unsafe partial class ReductionCore
{
    /// <summary>
    /// dst[j] = Σ_r op(x[r * inner + j], shift[j]) for j in [j0, j1), r in [0, rows); shift may be
    /// empty-ref when the op ignores it (pass <paramref name="hasShift"/> false).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void ColumnSum<T, TOp>(TOp op, bool simd, ref T x, nint rows, nint inner, ref T shift, bool hasShift, ref T dst, nint j0, nint j1)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        nint j = j0;
        if (simd && TOp.Vectorizable && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && j1 - j0 >= Vector512<T>.Count)
        {
            nint c = Vector512<T>.Count;
            for (; j + 4 * c <= j1; j += 4 * c) ColumnTile4(op, ref x, rows, inner, ref shift, hasShift, ref dst, j);
            for (; j + c <= j1; j += c) ColumnTile1(op, ref x, rows, inner, ref shift, hasShift, ref dst, j);
            if (j < j1) ColumnTile1(op, ref x, rows, inner, ref shift, hasShift, ref dst, j1 - c);
            return;
        }
        Span<T> stack = stackalloc T[StackDepth];
        for (; j < j1; j++)
        {
            int top = 0;
            long count = 0;
            T s = hasShift ? Unsafe.Add(ref shift, j) : T.Zero;
            for (nint r = 0; r < rows; r += ColumnBlock)
            {
                nint end = Math.Min(rows, r + ColumnBlock);
                T acc = T.Zero;
                for (nint k = r; k < end; k++) acc += op.Invoke(Unsafe.Add(ref x, k * inner + j), s);
                Push(stack, ref top, ref count, acc);
            }
            Unsafe.Add(ref dst, j) = Collapse(stack, top);
        }
    }

    private static void ColumnTile1<T, TOp>(TOp op, ref T x, nint rows, nint inner, ref T shift, bool hasShift, ref T dst, nint j)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        Span<Vector512<T>> stack = stackalloc Vector512<T>[StackDepth];
        int top = 0;
        long count = 0;
        Vector512<T> s = hasShift ? Vector512.LoadUnsafe(ref shift, (nuint)j) : Vector512<T>.Zero;
        for (nint r = 0; r < rows; r += ColumnBlock)
        {
            nint end = Math.Min(rows, r + ColumnBlock);
            Vector512<T> acc = Vector512<T>.Zero;
            for (nint k = r; k < end; k++) acc += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(k * inner + j)), s);
            Push(stack, ref top, ref count, acc);
        }
        Collapse(stack, top).StoreUnsafe(ref dst, (nuint)j);
    }

    private static void ColumnTile4<T, TOp>(TOp op, ref T x, nint rows, nint inner, ref T shift, bool hasShift, ref T dst, nint j)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        nint c = Vector512<T>.Count;
        if (rows == 0)
        {
            for (nint k = 0; k < 4 * c; k++) Unsafe.Add(ref dst, j + k) = T.Zero;
            return;
        }
        Span<Vector512<T>> stack = stackalloc Vector512<T>[4 * StackDepth];
        int top = 0;
        long count = 0;
        Vector512<T> s0 = Vector512<T>.Zero, s1 = s0, s2 = s0, s3 = s0;
        if (hasShift)
        {
            s0 = Vector512.LoadUnsafe(ref shift, (nuint)j);
            s1 = Vector512.LoadUnsafe(ref shift, (nuint)(j + c));
            s2 = Vector512.LoadUnsafe(ref shift, (nuint)(j + 2 * c));
            s3 = Vector512.LoadUnsafe(ref shift, (nuint)(j + 3 * c));
        }
        for (nint r = 0; r < rows; r += ColumnBlock)
        {
            nint end = Math.Min(rows, r + ColumnBlock);
            Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (nint k = r; k < end; k++)
            {
                ref T row = ref Unsafe.Add(ref x, k * inner + j);
                a0 += op.Invoke(Vector512.LoadUnsafe(ref row), s0);
                a1 += op.Invoke(Vector512.LoadUnsafe(ref row, (nuint)c), s1);
                a2 += op.Invoke(Vector512.LoadUnsafe(ref row, (nuint)(2 * c)), s2);
                a3 += op.Invoke(Vector512.LoadUnsafe(ref row, (nuint)(3 * c)), s3);
            }
            // Four independent cascades, interleaved in one stack of 4-vector entries.
            for (long cc = count; (cc & 1) != 0; cc >>= 1)
            {
                top -= 4;
                a0 = stack[top] + a0; a1 = stack[top + 1] + a1; a2 = stack[top + 2] + a2; a3 = stack[top + 3] + a3;
            }
            stack[top] = a0; stack[top + 1] = a1; stack[top + 2] = a2; stack[top + 3] = a3;
            top += 4;
            count++;
        }
        Vector512<T> r0 = stack[top - 4], r1 = stack[top - 3], r2 = stack[top - 2], r3 = stack[top - 1];
        for (int k = top - 8; k >= 0; k -= 4)
        {
            r0 = stack[k] + r0; r1 = stack[k + 1] + r1; r2 = stack[k + 2] + r2; r3 = stack[k + 3] + r3;
        }
        r0.StoreUnsafe(ref dst, (nuint)j);
        r1.StoreUnsafe(ref dst, (nuint)(j + c));
        r2.StoreUnsafe(ref dst, (nuint)(j + 2 * c));
        r3.StoreUnsafe(ref dst, (nuint)(j + 3 * c));
    }
}
