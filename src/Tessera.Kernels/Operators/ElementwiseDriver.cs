using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Operators;

/// <summary>
/// The vectorised loops behind every elementwise kernel: one per arity. Each walks the span with
/// <c>Vector512</c> (4x unrolled), falls back to <c>Vector256</c>, then scalar, and cuts large spans
/// into <see cref="ParallelRuntime"/> chunks of at least <see cref="Grain"/> elements.
/// </summary>
/// <remarks>
/// The ragged end is handled by one extra full vector that ends exactly at the last element. Its
/// inputs are loaded and its result computed before the main loop runs, so a destination that is
/// the same memory as an input (in-place) still sees only original inputs. Long spans also peel a
/// head vector the same way so the main loop's stores are 64-byte aligned. Destinations may alias
/// an input exactly; a partial overlap is not supported.
/// </remarks>
internal static unsafe class ElementwiseDriver
{
    /// <summary>Minimum elements per parallel chunk (PyTorch's GRAIN_SIZE).</summary>
    internal const int Grain = 32 * 1024;

    /// <summary>True when a loop over <paramref name="work"/> elements is worth splitting across threads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool ShouldSplit(long work, long grain = Grain) =>
        work >= 2 * grain && ParallelRuntime.ThreadCount > 1 && !ParallelRuntime.InParallelRegion;

    /// <summary>
    /// Elements to skip so that stores to <paramref name="d"/> are 64-byte aligned (a store split
    /// over two cache lines costs twice), or 0 when the span is short or already aligned. The
    /// skipped head is covered by one unaligned vector computed before and stored after the main
    /// loop, like the tail, so in-place operation stays correct.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint AlignmentPeel<T>(ref T d, nint n) where T : unmanaged
    {
        if (n < 8 * Vector512<T>.Count) return 0;
        nint misaligned = (nint)((nuint)Unsafe.AsPointer(ref d) & 63);
        if (misaligned == 0 || misaligned % sizeof(T) != 0) return 0;
        return (64 - misaligned) / sizeof(T);
    }

    internal static void CheckLength(int expected, int actual, string name)
    {
        if (expected != actual)
            throw new ArgumentException($"Span '{name}' has length {actual}; expected {expected}.", name);
    }

    // ---------------------------------------------------------------- unary

    public static void Unary<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> dst)
        where T : unmanaged where TOp : struct, IUnaryOperator<T>
    {
        CheckLength(x.Length, dst.Length, nameof(dst));
        int n = x.Length;
        bool simd = TOp.Vectorizable && !KernelOptions.DisableSimd;
        if (!ShouldSplit(n))
        {
            UnaryRange(op, simd, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(dst), n);
            return;
        }
        UnaryParallel(op, simd, x, dst);
    }

    // Separate method so the closure is only allocated when the work is actually split.
    private static void UnaryParallel<T, TOp>(TOp op, bool simd, ReadOnlySpan<T> x, Span<T> dst)
        where T : unmanaged where TOp : struct, IUnaryOperator<T>
    {
        int n = x.Length;
        fixed (T* px = x)
        fixed (T* pd = dst)
        {
            nint ax = (nint)px, ad = (nint)pd;
            ParallelRuntime.For(0, n, Grain, (s, e) =>
                UnaryRange(op, simd, ref Unsafe.AsRef<T>((T*)ax + s), ref Unsafe.AsRef<T>((T*)ad + s), (nint)(e - s)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static void UnaryRange<T, TOp>(TOp op, bool simd, ref T x, ref T d, nint n)
        where T : unmanaged where TOp : struct, IUnaryOperator<T>
    {
        nint i = 0;
        if (simd)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
            {
                nint c = Vector512<T>.Count, last = n - c;
                Vector512<T> tail = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)last));
                Vector512<T> head = default;
                nint peel = AlignmentPeel<T>(ref d, n);
                if (peel != 0)
                {
                    head = op.Invoke(Vector512.LoadUnsafe(ref x));
                    i = peel;
                }
                for (; i <= last - 3 * c; i += 4 * c)
                {
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(i + c))).StoreUnsafe(ref d, (nuint)(i + c));
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(i + 2 * c))).StoreUnsafe(ref d, (nuint)(i + 2 * c));
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(i + 3 * c))).StoreUnsafe(ref d, (nuint)(i + 3 * c));
                }
                for (; i < last; i += c)
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                tail.StoreUnsafe(ref d, (nuint)last);
                if (peel != 0) head.StoreUnsafe(ref d);
                return;
            }
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
            {
                nint c = Vector256<T>.Count, last = n - c;
                Vector256<T> tail = op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)last));
                for (; i <= last - c; i += 2 * c)
                {
                    op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                    op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(i + c))).StoreUnsafe(ref d, (nuint)(i + c));
                }
                for (; i < last; i += c)
                    op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                tail.StoreUnsafe(ref d, (nuint)last);
                return;
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref d, i) = op.Invoke(Unsafe.Add(ref x, i));
    }

    // ---------------------------------------------------------------- binary

    public static void Binary<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst)
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        CheckLength(x.Length, y.Length, nameof(y));
        CheckLength(x.Length, dst.Length, nameof(dst));
        int n = x.Length;
        bool simd = TOp.Vectorizable && !KernelOptions.DisableSimd;
        if (!ShouldSplit(n))
        {
            BinaryRange(op, simd, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y),
                ref MemoryMarshal.GetReference(dst), n);
            return;
        }
        BinaryParallel(op, simd, x, y, dst);
    }

    private static void BinaryParallel<T, TOp>(TOp op, bool simd, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst)
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        int n = x.Length;
        fixed (T* px = x)
        fixed (T* py = y)
        fixed (T* pd = dst)
        {
            nint ax = (nint)px, ay = (nint)py, ad = (nint)pd;
            ParallelRuntime.For(0, n, Grain, (s, e) =>
                BinaryRange(op, simd, ref Unsafe.AsRef<T>((T*)ax + s), ref Unsafe.AsRef<T>((T*)ay + s),
                    ref Unsafe.AsRef<T>((T*)ad + s), (nint)(e - s)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static void BinaryRange<T, TOp>(TOp op, bool simd, ref T x, ref T y, ref T d, nint n)
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        nint i = 0;
        if (simd)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
            {
                nint c = Vector512<T>.Count, last = n - c;
                Vector512<T> tail = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)last), Vector512.LoadUnsafe(ref y, (nuint)last));
                Vector512<T> head = default;
                nint peel = AlignmentPeel<T>(ref d, n);
                if (peel != 0)
                {
                    head = op.Invoke(Vector512.LoadUnsafe(ref x), Vector512.LoadUnsafe(ref y));
                    i = peel;
                }
                for (; i <= last - 3 * c; i += 4 * c)
                {
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(i + c)), Vector512.LoadUnsafe(ref y, (nuint)(i + c))).StoreUnsafe(ref d, (nuint)(i + c));
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(i + 2 * c)), Vector512.LoadUnsafe(ref y, (nuint)(i + 2 * c))).StoreUnsafe(ref d, (nuint)(i + 2 * c));
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(i + 3 * c)), Vector512.LoadUnsafe(ref y, (nuint)(i + 3 * c))).StoreUnsafe(ref d, (nuint)(i + 3 * c));
                }
                for (; i < last; i += c)
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                tail.StoreUnsafe(ref d, (nuint)last);
                if (peel != 0) head.StoreUnsafe(ref d);
                return;
            }
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
            {
                nint c = Vector256<T>.Count, last = n - c;
                Vector256<T> tail = op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)last), Vector256.LoadUnsafe(ref y, (nuint)last));
                for (; i <= last - c; i += 2 * c)
                {
                    op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                    op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(i + c)), Vector256.LoadUnsafe(ref y, (nuint)(i + c))).StoreUnsafe(ref d, (nuint)(i + c));
                }
                for (; i < last; i += c)
                    op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                tail.StoreUnsafe(ref d, (nuint)last);
                return;
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref d, i) = op.Invoke(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
    }

    /// <summary>
    /// d[i] = op(x[i·sx], y[i·sy]) for operands with any element strides (a transposed or broadcast view):
    /// scalar code, for the layouts the vector loops above cannot walk.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static void BinaryStrided<T, TOp>(TOp op, ref T x, nint sx, ref T y, nint sy, ref T d, nint n)
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        for (nint i = 0; i < n; i++)
            Unsafe.Add(ref d, i) = op.Invoke(Unsafe.Add(ref x, i * sx), Unsafe.Add(ref y, i * sy));
    }

    // ---------------------------------------------------------------- ternary

    public static void Ternary<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> z, Span<T> dst)
        where T : unmanaged where TOp : struct, ITernaryOperator<T>
    {
        CheckLength(x.Length, y.Length, nameof(y));
        CheckLength(x.Length, z.Length, nameof(z));
        CheckLength(x.Length, dst.Length, nameof(dst));
        int n = x.Length;
        bool simd = TOp.Vectorizable && !KernelOptions.DisableSimd;
        if (!ShouldSplit(n))
        {
            TernaryRange(op, simd, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y),
                ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(dst), n);
            return;
        }
        TernaryParallel(op, simd, x, y, z, dst);
    }

    private static void TernaryParallel<T, TOp>(TOp op, bool simd, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> z, Span<T> dst)
        where T : unmanaged where TOp : struct, ITernaryOperator<T>
    {
        int n = x.Length;
        fixed (T* px = x)
        fixed (T* py = y)
        fixed (T* pz = z)
        fixed (T* pd = dst)
        {
            nint ax = (nint)px, ay = (nint)py, az = (nint)pz, ad = (nint)pd;
            ParallelRuntime.For(0, n, Grain, (s, e) =>
                TernaryRange(op, simd, ref Unsafe.AsRef<T>((T*)ax + s), ref Unsafe.AsRef<T>((T*)ay + s),
                    ref Unsafe.AsRef<T>((T*)az + s), ref Unsafe.AsRef<T>((T*)ad + s), (nint)(e - s)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static void TernaryRange<T, TOp>(TOp op, bool simd, ref T x, ref T y, ref T z, ref T d, nint n)
        where T : unmanaged where TOp : struct, ITernaryOperator<T>
    {
        nint i = 0;
        if (simd)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
            {
                nint c = Vector512<T>.Count, last = n - c;
                Vector512<T> tail = op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)last), Vector512.LoadUnsafe(ref y, (nuint)last),
                    Vector512.LoadUnsafe(ref z, (nuint)last));
                Vector512<T> head = default;
                nint peel = AlignmentPeel<T>(ref d, n);
                if (peel != 0)
                {
                    head = op.Invoke(Vector512.LoadUnsafe(ref x), Vector512.LoadUnsafe(ref y), Vector512.LoadUnsafe(ref z));
                    i = peel;
                }
                for (; i <= last - c; i += 2 * c)
                {
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i),
                        Vector512.LoadUnsafe(ref z, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(i + c)), Vector512.LoadUnsafe(ref y, (nuint)(i + c)),
                        Vector512.LoadUnsafe(ref z, (nuint)(i + c))).StoreUnsafe(ref d, (nuint)(i + c));
                }
                for (; i < last; i += c)
                    op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i),
                        Vector512.LoadUnsafe(ref z, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                tail.StoreUnsafe(ref d, (nuint)last);
                if (peel != 0) head.StoreUnsafe(ref d);
                return;
            }
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
            {
                nint c = Vector256<T>.Count, last = n - c;
                Vector256<T> tail = op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)last), Vector256.LoadUnsafe(ref y, (nuint)last),
                    Vector256.LoadUnsafe(ref z, (nuint)last));
                for (; i < last; i += c)
                    op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i),
                        Vector256.LoadUnsafe(ref z, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                tail.StoreUnsafe(ref d, (nuint)last);
                return;
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref d, i) = op.Invoke(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i), Unsafe.Add(ref z, i));
    }
}
