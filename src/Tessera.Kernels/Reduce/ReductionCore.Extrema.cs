using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Reduce;

// Max / min / first index: exact, so any split or order gives the same value.
internal static unsafe partial class ReductionCore
{
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
