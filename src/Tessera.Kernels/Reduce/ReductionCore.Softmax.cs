using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Operators;

namespace Tessera.Kernels.Reduce;

// Softmax helper: store and sum e^(x - m) in one pass, in the cascade order of ReductionCore.
internal static unsafe partial class ReductionCore
{
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
}
