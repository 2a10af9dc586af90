using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Reduce;

// The cascaded sum, written once: every row sum, two-row sum and dot runs these loops with its own terms.
internal static unsafe partial class ReductionCore
{
    /// <summary>Σ terms over a contiguous row of any length, in the documented order (serial).</summary>
    private static T Cascade<T, TTerms>(TTerms terms, bool simd, ref T x, ref T y, nint n)
        where T : unmanaged, INumberBase<T> where TTerms : struct, ISumTerms<T>
    {
        if (n <= SuperBlock) return BlockCascade(terms, simd, ref x, ref y, n);
        Span<T> stack = stackalloc T[StackDepth];
        int top = 0;
        long count = 0;
        for (nint b = 0; b < n; b += SuperBlock)
            Push(stack, ref top, ref count, BlockCascade(terms, simd, ref Unsafe.Add(ref x, b), ref Unsafe.Add(ref y, b), Math.Min(SuperBlock, n - b)));
        return Collapse(stack, top);
    }

    /// <summary>As <see cref="Cascade{T, TTerms}"/>, with super-blocks spread over threads (same bits).</summary>
    private static T CascadeParallel<T, TTerms>(TTerms terms, bool simd, ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, INumberBase<T> where TTerms : struct, ISumTerms<T>
    {
        int n = x.Length;
        if (n <= SuperBlock || !ElementwiseDriver.ShouldSplit(n))
            return Cascade(terms, simd, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), n);
        return CascadeSplit(terms, simd, x, y);
    }

    private static T CascadeSplit<T, TTerms>(TTerms terms, bool simd, ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, INumberBase<T> where TTerms : struct, ISumTerms<T>
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
                        ((T*)ap)[b] = BlockCascade(terms, simd, ref Unsafe.AsRef<T>((T*)ax + start), ref Unsafe.AsRef<T>((T*)ay + start),
                            Math.Min(SuperBlock, n - start));
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

    /// <summary>Σ terms over one super-block (n ≤ <see cref="SuperBlock"/>): chunks of four accumulators, cascaded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T BlockCascade<T, TTerms>(TTerms terms, bool simd, ref T x, ref T y, nint n)
        where T : unmanaged, INumberBase<T> where TTerms : struct, ISumTerms<T>
    {
        if (simd && TTerms.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
            {
                if (n <= ChunkLength) return Vector512.Sum(ChunkCascade512(terms, ref x, ref y, n));
                Span<Vector512<T>> stack = stackalloc Vector512<T>[StackDepth];
                int top = 0;
                long count = 0;
                nint i = 0;
                for (; i <= n - ChunkLength; i += ChunkLength)
                    Push(stack, ref top, ref count, ChunkCascade512(terms, ref Unsafe.Add(ref x, i), ref Unsafe.Add(ref y, i), ChunkLength));
                if (i < n)
                    Push(stack, ref top, ref count, ChunkCascade512(terms, ref Unsafe.Add(ref x, i), ref Unsafe.Add(ref y, i), n - i));
                return Vector512.Sum(Collapse(stack, top));
            }
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
            {
                Span<Vector256<T>> stack = stackalloc Vector256<T>[StackDepth];
                int top = 0;
                long count = 0;
                nint c = Vector256<T>.Count, i = 0;
                for (; i <= n - ChunkLength; i += ChunkLength)
                {
                    Vector256<T> a0 = Vector256<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
                    if (TTerms.FourAccumulators256)
                    {
                        for (nint k = i; k < i + ChunkLength; k += 4 * c)
                        {
                            a0 = terms.Accumulate(a0, ref x, ref y, k);
                            a1 = terms.Accumulate(a1, ref x, ref y, k + c);
                            a2 = terms.Accumulate(a2, ref x, ref y, k + 2 * c);
                            a3 = terms.Accumulate(a3, ref x, ref y, k + 3 * c);
                        }
                        Push(stack, ref top, ref count, (a0 + a1) + (a2 + a3));
                    }
                    else
                    {
                        for (nint k = i; k < i + ChunkLength; k += 2 * c)
                        {
                            a0 = terms.Accumulate(a0, ref x, ref y, k);
                            a1 = terms.Accumulate(a1, ref x, ref y, k + c);
                        }
                        Push(stack, ref top, ref count, a0 + a1);
                    }
                }
                if (i < n)
                {
                    Vector256<T> a0 = Vector256<T>.Zero, a1 = a0;
                    for (; i <= n - c; i += c) a0 = terms.Accumulate(a0, ref x, ref y, i);
                    if (i < n)
                        a1 = terms.Term256(ref x, ref y, n - c) & TailMask256<T>(n - i);
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
                for (nint k = i; k < end; k++) acc += terms.Term(ref x, ref y, k);
                Push(stack, ref top, ref count, acc);
            }
            return Collapse(stack, top);
        }
    }

    /// <summary>
    /// The vector sum of one chunk of n ≤ <see cref="ChunkLength"/> elements (n ≥ one vector) in the
    /// documented order: four accumulators for a full chunk, else one plus a masked tail. Rows of at
    /// most one chunk skip the cascade stack (a single pushed vector collapses to itself, same bits);
    /// short rows (a 1024-wide sum over the last axis) spent a tenth of their time on it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> ChunkCascade512<T, TTerms>(TTerms terms, ref T x, ref T y, nint n)
        where T : unmanaged, INumberBase<T> where TTerms : struct, ISumTerms<T>
    {
        nint c = Vector512<T>.Count, i = 0;
        if (n == ChunkLength)
        {
            Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i < ChunkLength; i += 4 * c)
            {
                a0 = terms.Accumulate(a0, ref x, ref y, i);
                a1 = terms.Accumulate(a1, ref x, ref y, i + c);
                a2 = terms.Accumulate(a2, ref x, ref y, i + 2 * c);
                a3 = terms.Accumulate(a3, ref x, ref y, i + 3 * c);
            }
            return (a0 + a1) + (a2 + a3);
        }
        Vector512<T> t0 = Vector512<T>.Zero, t1 = t0;
        for (; i <= n - c; i += c) t0 = terms.Accumulate(t0, ref x, ref y, i);
        if (i < n)
            t1 = terms.Term512(ref x, ref y, n - c) & TailMask512<T>(n - i);
        return t0 + t1;
    }
}
