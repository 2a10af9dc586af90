using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Reduce;

/// <summary>
/// Deterministic reduction building blocks shared by the reduction, softmax and normalisation kernels.
/// </summary>
/// <remarks>
/// Summation order (all sums, dots, variances, log-sum-exps):
/// <list type="number">
/// <item>A contiguous row is cut into super-blocks of <see cref="SuperBlock"/> elements (the unit of
/// parallel work); their sums are combined with the binary-counter cascade below, in index order.</item>
/// <item>Inside a super-block, chunks of <see cref="ChunkLength"/> elements are summed with four
/// vector accumulators (each lane adds every 4*lanes-th element), the four combined as
/// (a0 + a1) + (a2 + a3); chunk vectors are combined by the binary-counter cascade (chunk k is
/// merged with the stack top while bit j of k is set, which is pairwise summation for power-of-two
/// counts); the final vector is summed across lanes by <c>Vector512.Sum</c>.</item>
/// <item>Scalar paths use the same scheme with <see cref="ScalarChunkLength"/>-element chunks.</item>
/// </list>
/// Error therefore grows like (chunk/lanes + log2 n) ulps rather than n ulps, and the result depends
/// only on the data, never on the thread count.
/// Columns (reducing a non-innermost axis) are summed in blocks of <see cref="ColumnBlock"/> rows,
/// blocks combined by the same cascade, per column.
/// </remarks>
[SkipLocalsInit]
internal static unsafe class ReductionCore
{
    internal const int ChunkLength = 1024;
    internal const int ScalarChunkLength = 64;
    internal const int SuperBlock = 32 * 1024;
    internal const int ColumnBlock = 64;
    private const int StackDepth = 64;

    // ------------------------------------------------------------------ cascade helpers

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Push<T>(Span<T> stack, ref int top, ref long count, T v) where T : INumberBase<T>
    {
        for (long c = count; (c & 1) != 0; c >>= 1) v = stack[--top] + v;
        stack[top++] = v;
        count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Collapse<T>(Span<T> stack, int top) where T : INumberBase<T>
    {
        if (top == 0) return T.Zero;
        T r = stack[top - 1];
        for (int k = top - 2; k >= 0; k--) r = stack[k] + r;
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Push<T>(Span<Vector512<T>> stack, ref int top, ref long count, Vector512<T> v)
    {
        for (long c = count; (c & 1) != 0; c >>= 1) v = stack[--top] + v;
        stack[top++] = v;
        count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Collapse<T>(Span<Vector512<T>> stack, int top)
    {
        if (top == 0) return Vector512<T>.Zero;
        Vector512<T> r = stack[top - 1];
        for (int k = top - 2; k >= 0; k--) r = stack[k] + r;
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Push<T>(Span<Vector256<T>> stack, ref int top, ref long count, Vector256<T> v)
    {
        for (long c = count; (c & 1) != 0; c >>= 1) v = stack[--top] + v;
        stack[top++] = v;
        count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Collapse<T>(Span<Vector256<T>> stack, int top)
    {
        if (top == 0) return Vector256<T>.Zero;
        Vector256<T> r = stack[top - 1];
        for (int k = top - 2; k >= 0; k--) r = stack[k] + r;
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> TailMask512<T>(nint valid) where T : unmanaged, INumberBase<T> =>
        Vector512.GreaterThanOrEqual(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(Vector512<T>.Count - valid)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> TailMask256<T>(nint valid) where T : unmanaged, INumberBase<T> =>
        Vector256.GreaterThanOrEqual(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(Vector256<T>.Count - valid)));

    // ------------------------------------------------------------------ row sums of op(x, s)

    /// <summary>Σ op(x_i, s) over a contiguous row of any length, in the documented order (serial).</summary>
    public static T RowSum<T, TOp>(TOp op, T s, bool simd, ref T x, nint n)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        if (n <= SuperBlock) return BlockSum(op, s, simd, ref x, n);
        Span<T> stack = stackalloc T[StackDepth];
        int top = 0;
        long count = 0;
        for (nint b = 0; b < n; b += SuperBlock)
            Push(stack, ref top, ref count, BlockSum(op, s, simd, ref Unsafe.Add(ref x, b), Math.Min(SuperBlock, n - b)));
        return Collapse(stack, top);
    }

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
                Unsafe.Add(ref dst, o) = Vector512.Sum(ChunkSum512(op, hasShift ? Unsafe.Add(ref shift, o) : T.Zero, ref Unsafe.Add(ref x, o * n), n));
            return;
        }
        for (nint o = o0; o < o1; o++)
            Unsafe.Add(ref dst, o) = RowSum(op, hasShift ? Unsafe.Add(ref shift, o) : T.Zero, simd, ref Unsafe.Add(ref x, o * n), n);
    }

    /// <summary>As <see cref="RowSum{T, TOp}"/>, with super-blocks spread over threads (same bits).</summary>
    public static T RowSumParallel<T, TOp>(TOp op, T s, bool simd, ReadOnlySpan<T> x)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        int n = x.Length;
        if (n <= SuperBlock || !ElementwiseDriver.ShouldSplit(n))
            return RowSum(op, s, simd, ref MemoryMarshal.GetReference(x), n);
        return RowSumSplit(op, s, simd, x);
    }

    private static T RowSumSplit<T, TOp>(TOp op, T s, bool simd, ReadOnlySpan<T> x)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        int n = x.Length;
        int blocks = (n + SuperBlock - 1) / SuperBlock;
        T[] partials = ArrayPool<T>.Shared.Rent(blocks);
        try
        {
            fixed (T* px = x)
            fixed (T* pp = partials)
            {
                nint ax = (nint)px, ap = (nint)pp;
                ParallelRuntime.For(0, blocks, 1, (b0, b1) =>
                {
                    for (long b = b0; b < b1; b++)
                    {
                        nint start = (nint)b * SuperBlock;
                        ((T*)ap)[b] = BlockSum(op, s, simd, ref Unsafe.AsRef<T>((T*)ax + start), Math.Min(SuperBlock, n - start));
                    }
                });
            }
            Span<T> stack = stackalloc T[StackDepth];
            int top = 0;
            long count = 0;
            for (int b = 0; b < blocks; b++) Push(stack, ref top, ref count, partials[b]);
            return Collapse(stack, top);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(partials);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T BlockSum<T, TOp>(TOp op, T s, bool simd, ref T x, nint n)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        if (simd && TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
            {
                if (n <= ChunkLength) return Vector512.Sum(ChunkSum512(op, s, ref x, n));
                Span<Vector512<T>> stack = stackalloc Vector512<T>[StackDepth];
                int top = 0;
                long count = 0;
                nint c = Vector512<T>.Count, i = 0;
                Vector512<T> vs = Vector512.Create(s);
                for (; i <= n - ChunkLength; i += ChunkLength)
                    Push(stack, ref top, ref count, ChunkSum512(op, s, ref Unsafe.Add(ref x, i), ChunkLength));
                if (i < n)
                {
                    Vector512<T> a0 = Vector512<T>.Zero, a1 = a0;
                    for (; i <= n - c; i += c) a0 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), vs);
                    if (i < n)
                        a1 = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(n - c)), vs) & TailMask512<T>(n - i);
                    Push(stack, ref top, ref count, a0 + a1);
                }
                return Vector512.Sum(Collapse(stack, top));
            }
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
            {
                Span<Vector256<T>> stack = stackalloc Vector256<T>[StackDepth];
                int top = 0;
                long count = 0;
                nint c = Vector256<T>.Count, i = 0;
                Vector256<T> vs = Vector256.Create(s);
                for (; i <= n - ChunkLength; i += ChunkLength)
                {
                    Vector256<T> a0 = Vector256<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
                    for (nint k = i; k < i + ChunkLength; k += 4 * c)
                    {
                        a0 += op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)k), vs);
                        a1 += op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(k + c)), vs);
                        a2 += op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(k + 2 * c)), vs);
                        a3 += op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(k + 3 * c)), vs);
                    }
                    Push(stack, ref top, ref count, (a0 + a1) + (a2 + a3));
                }
                if (i < n)
                {
                    Vector256<T> a0 = Vector256<T>.Zero, a1 = a0;
                    for (; i <= n - c; i += c) a0 += op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), vs);
                    if (i < n)
                        a1 = op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(n - c)), vs) & TailMask256<T>(n - i);
                    Push(stack, ref top, ref count, a0 + a1);
                }
                return Vector256.Sum(Collapse(stack, top));
            }
        }
        return ScalarBlockSum(op, s, ref x, n);
    }

    /// <summary>
    /// The vector sum of one chunk of n ≤ <see cref="ChunkLength"/> elements (n ≥ one vector) in the
    /// documented order: four accumulators for a full chunk, else one plus a masked tail. Rows of at
    /// most one chunk skip the cascade stack (a single pushed vector collapses to itself, same bits);
    /// short rows (a 1024-wide sum over the last axis) spent a tenth of their time on it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> ChunkSum512<T, TOp>(TOp op, T s, ref T x, nint n)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        nint c = Vector512<T>.Count, i = 0;
        Vector512<T> vs = Vector512.Create(s);
        if (n == ChunkLength)
        {
            Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i < ChunkLength; i += 4 * c)
            {
                a0 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), vs);
                a1 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(i + c)), vs);
                a2 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(i + 2 * c)), vs);
                a3 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(i + 3 * c)), vs);
            }
            return (a0 + a1) + (a2 + a3);
        }
        Vector512<T> t0 = Vector512<T>.Zero, t1 = t0;
        for (; i <= n - c; i += c) t0 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), vs);
        if (i < n)
            t1 = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(n - c)), vs) & TailMask512<T>(n - i);
        return t0 + t1;
    }

    private static T ScalarBlockSum<T, TOp>(TOp op, T s, ref T x, nint n)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        Span<T> stack = stackalloc T[StackDepth];
        int top = 0;
        long count = 0;
        for (nint i = 0; i < n; i += ScalarChunkLength)
        {
            nint end = Math.Min(n, i + ScalarChunkLength);
            T acc = T.Zero;
            for (nint k = i; k < end; k++) acc += op.Invoke(Unsafe.Add(ref x, k), s);
            Push(stack, ref top, ref count, acc);
        }
        return Collapse(stack, top);
    }

    // ------------------------------------------------------------------ softmax helper: store and sum e^(x - s)

    /// <summary>
    /// d_i = e^(x_i - m) and returns their sum (same order as <see cref="RowSum{T, TOp}"/>).
    /// <paramref name="d"/> may be <paramref name="x"/> itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static T ExpShiftStoreSum<T>(T m, bool simd, ref T x, ref T d, nint n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n > SuperBlock)
        {
            Span<T> stack = stackalloc T[StackDepth];
            int top = 0;
            long count = 0;
            for (nint b = 0; b < n; b += SuperBlock)
                Push(stack, ref top, ref count, ExpShiftStoreSum(m, simd, ref Unsafe.Add(ref x, b), ref Unsafe.Add(ref d, b), Math.Min(SuperBlock, n - b)));
            return Collapse(stack, top);
        }
        var op = new ReductionOperators.ExpDiff<T>();
        if (simd && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
            {
                Span<Vector512<T>> stack = stackalloc Vector512<T>[StackDepth];
                int top = 0;
                long count = 0;
                nint c = Vector512<T>.Count, i = 0;
                Vector512<T> vs = Vector512.Create(m);
                // The ragged end is computed from the original inputs before anything is stored (in-place safety).
                Vector512<T> tail = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(n - c)), vs);
                for (; i <= n - ChunkLength; i += ChunkLength)
                {
                    Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
                    for (nint k = i; k < i + ChunkLength; k += 4 * c)
                    {
                        Vector512<T> e0 = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)k), vs);
                        Vector512<T> e1 = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(k + c)), vs);
                        Vector512<T> e2 = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(k + 2 * c)), vs);
                        Vector512<T> e3 = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(k + 3 * c)), vs);
                        e0.StoreUnsafe(ref d, (nuint)k);
                        e1.StoreUnsafe(ref d, (nuint)(k + c));
                        e2.StoreUnsafe(ref d, (nuint)(k + 2 * c));
                        e3.StoreUnsafe(ref d, (nuint)(k + 3 * c));
                        a0 += e0; a1 += e1; a2 += e2; a3 += e3;
                    }
                    Push(stack, ref top, ref count, (a0 + a1) + (a2 + a3));
                }
                if (i < n)
                {
                    Vector512<T> a0 = Vector512<T>.Zero, a1 = a0;
                    for (; i <= n - c; i += c)
                    {
                        Vector512<T> e = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), vs);
                        e.StoreUnsafe(ref d, (nuint)i);
                        a0 += e;
                    }
                    if (i < n)
                    {
                        a1 = tail & TailMask512<T>(n - i);
                        tail.StoreUnsafe(ref d, (nuint)(n - c));
                    }
                    Push(stack, ref top, ref count, a0 + a1);
                }
                return Vector512.Sum(Collapse(stack, top));
            }
            if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
            {
                Span<Vector256<T>> stack = stackalloc Vector256<T>[StackDepth];
                int top = 0;
                long count = 0;
                nint c = Vector256<T>.Count, i = 0;
                Vector256<T> vs = Vector256.Create(m);
                Vector256<T> tail = op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(n - c)), vs);
                for (; i <= n - ChunkLength; i += ChunkLength)
                {
                    Vector256<T> a0 = Vector256<T>.Zero, a1 = a0;
                    for (nint k = i; k < i + ChunkLength; k += 2 * c)
                    {
                        Vector256<T> e0 = op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)k), vs);
                        Vector256<T> e1 = op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(k + c)), vs);
                        e0.StoreUnsafe(ref d, (nuint)k);
                        e1.StoreUnsafe(ref d, (nuint)(k + c));
                        a0 += e0; a1 += e1;
                    }
                    Push(stack, ref top, ref count, a0 + a1);
                }
                if (i < n)
                {
                    Vector256<T> a0 = Vector256<T>.Zero, a1 = a0;
                    for (; i <= n - c; i += c)
                    {
                        Vector256<T> e = op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), vs);
                        e.StoreUnsafe(ref d, (nuint)i);
                        a0 += e;
                    }
                    if (i < n)
                    {
                        a1 = tail & TailMask256<T>(n - i);
                        tail.StoreUnsafe(ref d, (nuint)(n - c));
                    }
                    Push(stack, ref top, ref count, a0 + a1);
                }
                return Vector256.Sum(Collapse(stack, top));
            }
        }
        {
            Span<T> stack = stackalloc T[StackDepth];
            int top = 0;
            long count = 0;
            for (nint i = 0; i < n; i += ScalarChunkLength)
            {
                nint end = Math.Min(n, i + ScalarChunkLength);
                T acc = T.Zero;
                for (nint k = i; k < end; k++)
                {
                    T e = T.Exp(Unsafe.Add(ref x, k) - m);
                    Unsafe.Add(ref d, k) = e;
                    acc += e;
                }
                Push(stack, ref top, ref count, acc);
            }
            return Collapse(stack, top);
        }
    }

    // ------------------------------------------------------------------ Σ op(x_i, y_i)

    /// <summary>Σ op(x_i, y_i) over two contiguous rows, in the documented order (serial).</summary>
    public static T RowSum2<T, TOp>(TOp op, bool simd, ref T x, ref T y, nint n)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        if (n <= SuperBlock) return BlockSum2(op, simd, ref x, ref y, n);
        Span<T> stack = stackalloc T[StackDepth];
        int top = 0;
        long count = 0;
        for (nint b = 0; b < n; b += SuperBlock)
            Push(stack, ref top, ref count, BlockSum2(op, simd, ref Unsafe.Add(ref x, b), ref Unsafe.Add(ref y, b), Math.Min(SuperBlock, n - b)));
        return Collapse(stack, top);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T BlockSum2<T, TOp>(TOp op, bool simd, ref T x, ref T y, nint n)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        if (simd && TOp.Vectorizable && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
        {
            Span<Vector512<T>> stack = stackalloc Vector512<T>[StackDepth];
            int top = 0;
            long count = 0;
            nint c = Vector512<T>.Count, i = 0;
            for (; i <= n - ChunkLength; i += ChunkLength)
            {
                Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
                for (nint k = i; k < i + ChunkLength; k += 4 * c)
                {
                    a0 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)k), Vector512.LoadUnsafe(ref y, (nuint)k));
                    a1 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(k + c)), Vector512.LoadUnsafe(ref y, (nuint)(k + c)));
                    a2 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(k + 2 * c)), Vector512.LoadUnsafe(ref y, (nuint)(k + 2 * c)));
                    a3 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(k + 3 * c)), Vector512.LoadUnsafe(ref y, (nuint)(k + 3 * c)));
                }
                Push(stack, ref top, ref count, (a0 + a1) + (a2 + a3));
            }
            if (i < n)
            {
                Vector512<T> a0 = Vector512<T>.Zero, a1 = a0;
                for (; i <= n - c; i += c) a0 += op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i));
                if (i < n)
                    a1 = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(n - c)), Vector512.LoadUnsafe(ref y, (nuint)(n - c))) & TailMask512<T>(n - i);
                Push(stack, ref top, ref count, a0 + a1);
            }
            return Vector512.Sum(Collapse(stack, top));
        }
        if (simd && TOp.Vectorizable && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            Span<Vector256<T>> stack = stackalloc Vector256<T>[StackDepth];
            int top = 0;
            long count = 0;
            nint c = Vector256<T>.Count, i = 0;
            for (; i <= n - ChunkLength; i += ChunkLength)
            {
                Vector256<T> a0 = Vector256<T>.Zero, a1 = a0;
                for (nint k = i; k < i + ChunkLength; k += 2 * c)
                {
                    a0 += op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)k), Vector256.LoadUnsafe(ref y, (nuint)k));
                    a1 += op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(k + c)), Vector256.LoadUnsafe(ref y, (nuint)(k + c)));
                }
                Push(stack, ref top, ref count, a0 + a1);
            }
            if (i < n)
            {
                Vector256<T> a0 = Vector256<T>.Zero, a1 = a0;
                for (; i <= n - c; i += c) a0 += op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i));
                if (i < n)
                    a1 = op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(n - c)), Vector256.LoadUnsafe(ref y, (nuint)(n - c))) & TailMask256<T>(n - i);
                Push(stack, ref top, ref count, a0 + a1);
            }
            return Vector256.Sum(Collapse(stack, top));
        }
        {
            Span<T> stack = stackalloc T[StackDepth];
            int top = 0;
            long count = 0;
            for (nint i = 0; i < n; i += ScalarChunkLength)
            {
                nint end = Math.Min(n, i + ScalarChunkLength);
                T acc = T.Zero;
                for (nint k = i; k < end; k++) acc += op.Invoke(Unsafe.Add(ref x, k), Unsafe.Add(ref y, k));
                Push(stack, ref top, ref count, acc);
            }
            return Collapse(stack, top);
        }
    }

    // ------------------------------------------------------------------ dot

    /// <summary>Σ x_i y_i (fused multiply-adds), in the documented order (serial).</summary>
    public static T RowDot<T>(bool simd, ref T x, ref T y, nint n) where T : unmanaged, INumberBase<T>
    {
        if (n <= SuperBlock) return BlockDot(simd, ref x, ref y, n);
        Span<T> stack = stackalloc T[StackDepth];
        int top = 0;
        long count = 0;
        for (nint b = 0; b < n; b += SuperBlock)
            Push(stack, ref top, ref count, BlockDot(simd, ref Unsafe.Add(ref x, b), ref Unsafe.Add(ref y, b), Math.Min(SuperBlock, n - b)));
        return Collapse(stack, top);
    }

    /// <summary>As <see cref="RowDot{T}"/>, with super-blocks spread over threads (same bits).</summary>
    public static T RowDotParallel<T>(bool simd, ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, INumberBase<T>
    {
        int n = x.Length;
        if (n <= SuperBlock || !ElementwiseDriver.ShouldSplit(n))
            return RowDot(simd, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), n);
        return RowDotSplit(simd, x, y);
    }

    private static T RowDotSplit<T>(bool simd, ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, INumberBase<T>
    {
        int n = x.Length;
        int blocks = (n + SuperBlock - 1) / SuperBlock;
        T[] partials = ArrayPool<T>.Shared.Rent(blocks);
        try
        {
            fixed (T* px = x)
            fixed (T* py = y)
            fixed (T* pp = partials)
            {
                nint ax = (nint)px, ay = (nint)py, ap = (nint)pp;
                ParallelRuntime.For(0, blocks, 1, (b0, b1) =>
                {
                    for (long b = b0; b < b1; b++)
                    {
                        nint start = (nint)b * SuperBlock;
                        ((T*)ap)[b] = BlockDot(simd, ref Unsafe.AsRef<T>((T*)ax + start), ref Unsafe.AsRef<T>((T*)ay + start), Math.Min(SuperBlock, n - start));
                    }
                });
            }
            Span<T> stack = stackalloc T[StackDepth];
            int top = 0;
            long count = 0;
            for (int b = 0; b < blocks; b++) Push(stack, ref top, ref count, partials[b]);
            return Collapse(stack, top);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(partials);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T BlockDot<T>(bool simd, ref T x, ref T y, nint n) where T : unmanaged, INumberBase<T>
    {
        if (simd && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
        {
            Span<Vector512<T>> stack = stackalloc Vector512<T>[StackDepth];
            int top = 0;
            long count = 0;
            nint c = Vector512<T>.Count, i = 0;
            for (; i <= n - ChunkLength; i += ChunkLength)
            {
                Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
                for (nint k = i; k < i + ChunkLength; k += 4 * c)
                {
                    a0 = Fma(Vector512.LoadUnsafe(ref x, (nuint)k), Vector512.LoadUnsafe(ref y, (nuint)k), a0);
                    a1 = Fma(Vector512.LoadUnsafe(ref x, (nuint)(k + c)), Vector512.LoadUnsafe(ref y, (nuint)(k + c)), a1);
                    a2 = Fma(Vector512.LoadUnsafe(ref x, (nuint)(k + 2 * c)), Vector512.LoadUnsafe(ref y, (nuint)(k + 2 * c)), a2);
                    a3 = Fma(Vector512.LoadUnsafe(ref x, (nuint)(k + 3 * c)), Vector512.LoadUnsafe(ref y, (nuint)(k + 3 * c)), a3);
                }
                Push(stack, ref top, ref count, (a0 + a1) + (a2 + a3));
            }
            if (i < n)
            {
                Vector512<T> a0 = Vector512<T>.Zero, a1 = a0;
                for (; i <= n - c; i += c) a0 = Fma(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i), a0);
                if (i < n)
                    a1 = (Vector512.LoadUnsafe(ref x, (nuint)(n - c)) * Vector512.LoadUnsafe(ref y, (nuint)(n - c))) & TailMask512<T>(n - i);
                Push(stack, ref top, ref count, a0 + a1);
            }
            return Vector512.Sum(Collapse(stack, top));
        }
        if (simd && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            Span<Vector256<T>> stack = stackalloc Vector256<T>[StackDepth];
            int top = 0;
            long count = 0;
            nint c = Vector256<T>.Count, i = 0;
            for (; i <= n - ChunkLength; i += ChunkLength)
            {
                Vector256<T> a0 = Vector256<T>.Zero, a1 = a0;
                for (nint k = i; k < i + ChunkLength; k += 2 * c)
                {
                    a0 = Fma(Vector256.LoadUnsafe(ref x, (nuint)k), Vector256.LoadUnsafe(ref y, (nuint)k), a0);
                    a1 = Fma(Vector256.LoadUnsafe(ref x, (nuint)(k + c)), Vector256.LoadUnsafe(ref y, (nuint)(k + c)), a1);
                }
                Push(stack, ref top, ref count, a0 + a1);
            }
            if (i < n)
            {
                Vector256<T> a0 = Vector256<T>.Zero, a1 = a0;
                for (; i <= n - c; i += c) a0 = Fma(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i), a0);
                if (i < n)
                    a1 = (Vector256.LoadUnsafe(ref x, (nuint)(n - c)) * Vector256.LoadUnsafe(ref y, (nuint)(n - c))) & TailMask256<T>(n - i);
                Push(stack, ref top, ref count, a0 + a1);
            }
            return Vector256.Sum(Collapse(stack, top));
        }
        {
            Span<T> stack = stackalloc T[StackDepth];
            int top = 0;
            long count = 0;
            for (nint i = 0; i < n; i += ScalarChunkLength)
            {
                nint end = Math.Min(n, i + ScalarChunkLength);
                T acc = T.Zero;
                for (nint k = i; k < end; k++) acc += Unsafe.Add(ref x, k) * Unsafe.Add(ref y, k);
                Push(stack, ref top, ref count, acc);
            }
            return Collapse(stack, top);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    // ------------------------------------------------------------------ max / min / first index

    /// <summary>Max (or min) of a contiguous row, NaN-propagating; n must be at least 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static T RowExtremum<T>(bool max, bool simd, ref T x, nint n) where T : unmanaged, INumber<T>
    {
        nint i = 0;
        if (simd && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
        {
            nint c = Vector512<T>.Count;
            // Max/min are exact and idempotent, so the ragged end may simply overlap.
            Vector512<T> a0 = Vector512.LoadUnsafe(ref x, (nuint)(n - c)), a1 = a0, a2 = a0, a3 = a0;
            if (max)
            {
                for (; i <= n - 4 * c; i += 4 * c)
                {
                    a0 = Vector512.Max(a0, Vector512.LoadUnsafe(ref x, (nuint)i));
                    a1 = Vector512.Max(a1, Vector512.LoadUnsafe(ref x, (nuint)(i + c)));
                    a2 = Vector512.Max(a2, Vector512.LoadUnsafe(ref x, (nuint)(i + 2 * c)));
                    a3 = Vector512.Max(a3, Vector512.LoadUnsafe(ref x, (nuint)(i + 3 * c)));
                }
                for (; i <= n - c; i += c) a0 = Vector512.Max(a0, Vector512.LoadUnsafe(ref x, (nuint)i));
                a0 = Vector512.Max(Vector512.Max(a0, a1), Vector512.Max(a2, a3));
            }
            else
            {
                for (; i <= n - 4 * c; i += 4 * c)
                {
                    a0 = Vector512.Min(a0, Vector512.LoadUnsafe(ref x, (nuint)i));
                    a1 = Vector512.Min(a1, Vector512.LoadUnsafe(ref x, (nuint)(i + c)));
                    a2 = Vector512.Min(a2, Vector512.LoadUnsafe(ref x, (nuint)(i + 2 * c)));
                    a3 = Vector512.Min(a3, Vector512.LoadUnsafe(ref x, (nuint)(i + 3 * c)));
                }
                for (; i <= n - c; i += c) a0 = Vector512.Min(a0, Vector512.LoadUnsafe(ref x, (nuint)i));
                a0 = Vector512.Min(Vector512.Min(a0, a1), Vector512.Min(a2, a3));
            }
            T r = a0.GetElement(0);
            for (int k = 1; k < Vector512<T>.Count; k++) r = max ? T.Max(r, a0.GetElement(k)) : T.Min(r, a0.GetElement(k));
            return r;
        }
        if (simd && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            nint c = Vector256<T>.Count;
            Vector256<T> a0 = Vector256.LoadUnsafe(ref x, (nuint)(n - c)), a1 = a0;
            for (; i <= n - 2 * c; i += 2 * c)
            {
                a0 = max ? Vector256.Max(a0, Vector256.LoadUnsafe(ref x, (nuint)i)) : Vector256.Min(a0, Vector256.LoadUnsafe(ref x, (nuint)i));
                a1 = max ? Vector256.Max(a1, Vector256.LoadUnsafe(ref x, (nuint)(i + c))) : Vector256.Min(a1, Vector256.LoadUnsafe(ref x, (nuint)(i + c)));
            }
            for (; i <= n - c; i += c)
                a0 = max ? Vector256.Max(a0, Vector256.LoadUnsafe(ref x, (nuint)i)) : Vector256.Min(a0, Vector256.LoadUnsafe(ref x, (nuint)i));
            a0 = max ? Vector256.Max(a0, a1) : Vector256.Min(a0, a1);
            T r = a0.GetElement(0);
            for (int k = 1; k < Vector256<T>.Count; k++) r = max ? T.Max(r, a0.GetElement(k)) : T.Min(r, a0.GetElement(k));
            return r;
        }
        T acc = x;
        for (i = 1; i < n; i++) acc = max ? T.Max(acc, Unsafe.Add(ref x, i)) : T.Min(acc, Unsafe.Add(ref x, i));
        return acc;
    }

    /// <summary>Max (or min) of a long span, chunks over threads (exact, so any split gives the same value).</summary>
    public static T RowExtremumParallel<T>(bool max, bool simd, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        int n = x.Length;
        if (!ElementwiseDriver.ShouldSplit(n))
            return RowExtremum(max, simd, ref MemoryMarshal.GetReference(x), n);
        return RowExtremumSplit(max, simd, x);
    }

    private static T RowExtremumSplit<T>(bool max, bool simd, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        int n = x.Length;
        int chunks = ParallelRuntime.ChunkCount(n, ElementwiseDriver.Grain);
        T* partials = stackalloc T[chunks];
        fixed (T* px = x)
        {
            nint ax = (nint)px, ap = (nint)partials;
            ParallelRuntime.ForChunks(chunks, ch =>
            {
                (long s, long e) = ParallelRuntime.ChunkRange(0, n, chunks, ch);
                ((T*)ap)[ch] = RowExtremum(max, simd, ref Unsafe.AsRef<T>((T*)ax + s), (nint)(e - s));
            });
        }
        T r = partials[0];
        for (int k = 1; k < chunks; k++) r = max ? T.Max(r, partials[k]) : T.Min(r, partials[k]);
        return r;
    }

    /// <summary>First index i with x_i == value, or with x_i NaN when value is NaN; -1 if none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static nint IndexOfFirst<T>(bool simd, ref T x, nint n, T value) where T : unmanaged, INumber<T>
    {
        bool nan = T.IsNaN(value);
        nint i = 0;
        if (simd && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            nint c = Vector512<T>.Count;
            Vector512<T> vv = Vector512.Create(value);
            for (; i <= n - c; i += c)
            {
                Vector512<T> v = Vector512.LoadUnsafe(ref x, (nuint)i);
                Vector512<T> hit = nan ? ~Vector512.Equals(v, v) : Vector512.Equals(v, vv);
                if (hit != Vector512<T>.Zero)
                    return i + BitOperations.TrailingZeroCount(hit.ExtractMostSignificantBits());
            }
        }
        for (; i < n; i++)
        {
            T v = Unsafe.Add(ref x, i);
            if (nan ? T.IsNaN(v) : v == value) return i;
        }
        return -1;
    }

    // ------------------------------------------------------------------ columns: Σ_r op(x[r, j], s[j])

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

    /// <summary>dst[j] = max (or min) over r of x[r * inner + j] for j in [j0, j1), NaN-propagating; rows &gt;= 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void ColumnExtremum<T>(bool max, bool simd, ref T x, nint rows, nint inner, ref T dst, nint j0, nint j1)
        where T : unmanaged, INumber<T>
    {
        nint j = j0;
        if (simd && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && j1 - j0 >= Vector512<T>.Count)
        {
            nint c = Vector512<T>.Count;
            while (j < j1)
            {
                nint jj = j + c <= j1 ? j : j1 - c;
                Vector512<T> acc = Vector512.LoadUnsafe(ref x, (nuint)jj);
                for (nint k = 1; k < rows; k++)
                {
                    Vector512<T> v = Vector512.LoadUnsafe(ref x, (nuint)(k * inner + jj));
                    acc = max ? Vector512.Max(acc, v) : Vector512.Min(acc, v);
                }
                acc.StoreUnsafe(ref dst, (nuint)jj);
                j = jj + c;
            }
            return;
        }
        for (; j < j1; j++)
        {
            T acc = Unsafe.Add(ref x, j);
            for (nint k = 1; k < rows; k++)
            {
                T v = Unsafe.Add(ref x, k * inner + j);
                acc = max ? T.Max(acc, v) : T.Min(acc, v);
            }
            Unsafe.Add(ref dst, j) = acc;
        }
    }
}
