using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
/// The class is split by concept: the cascade itself (this file and ReductionCore.Cascade.cs, written
/// once over <see cref="ISumTerms{T}"/>), the sums built on it (Sums), the softmax store-and-sum
/// (Softmax), max/min/index (Extrema) and reductions over a non-innermost axis (Columns).
/// </remarks>
[SkipLocalsInit]
internal static unsafe partial class ReductionCore
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
}
