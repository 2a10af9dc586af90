using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Threading;
using static Tessera.Kernels.Operators.ComparisonOperators;

namespace Tessera.Kernels.Elementwise;

/// <summary>
/// Comparisons producing byte masks (1 = true, 0 = false), mask selection and mask logic, for
/// float, double, int and long elements. A mask input treats any non-zero byte as true.
/// </summary>
internal static unsafe class Comparisons
{
    /// <summary>mask = x == y.</summary>
    public static void Equal<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, Equal<T>>(x, y, mask);
    /// <summary>mask = x != y.</summary>
    public static void NotEqual<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, NotEqual<T>>(x, y, mask);
    /// <summary>mask = x &lt; y.</summary>
    public static void LessThan<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, LessThan<T>>(x, y, mask);
    /// <summary>mask = x &lt;= y.</summary>
    public static void LessThanOrEqual<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, LessThanOrEqual<T>>(x, y, mask);
    /// <summary>mask = x &gt; y.</summary>
    public static void GreaterThan<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, GreaterThan<T>>(x, y, mask);
    /// <summary>mask = x &gt;= y.</summary>
    public static void GreaterThanOrEqual<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, GreaterThanOrEqual<T>>(x, y, mask);

    /// <summary>mask = x == s.</summary>
    public static void Equal<T>(ReadOnlySpan<T> x, T s, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, Equal<T>>(x, s, mask);
    /// <summary>mask = x != s.</summary>
    public static void NotEqual<T>(ReadOnlySpan<T> x, T s, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, NotEqual<T>>(x, s, mask);
    /// <summary>mask = x &lt; s (for s &lt; x use <see cref="GreaterThan{T}(ReadOnlySpan{T}, T, Span{byte})"/>).</summary>
    public static void LessThan<T>(ReadOnlySpan<T> x, T s, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, LessThan<T>>(x, s, mask);
    /// <summary>mask = x &lt;= s.</summary>
    public static void LessThanOrEqual<T>(ReadOnlySpan<T> x, T s, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, LessThanOrEqual<T>>(x, s, mask);
    /// <summary>mask = x &gt; s.</summary>
    public static void GreaterThan<T>(ReadOnlySpan<T> x, T s, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, GreaterThan<T>>(x, s, mask);
    /// <summary>mask = x &gt;= s.</summary>
    public static void GreaterThanOrEqual<T>(ReadOnlySpan<T> x, T s, Span<byte> mask) where T : unmanaged, INumber<T> => Compare<T, GreaterThanOrEqual<T>>(x, s, mask);

    /// <summary>mask = x op y for an operator chosen at run time.</summary>
    public static void Compare<T>(CompareOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<byte> mask) where T : unmanaged, INumber<T>
    {
        switch (op)
        {
            case CompareOp.Equal: Equal(x, y, mask); break;
            case CompareOp.NotEqual: NotEqual(x, y, mask); break;
            case CompareOp.LessThan: LessThan(x, y, mask); break;
            case CompareOp.LessThanOrEqual: LessThanOrEqual(x, y, mask); break;
            case CompareOp.GreaterThan: GreaterThan(x, y, mask); break;
            case CompareOp.GreaterThanOrEqual: GreaterThanOrEqual(x, y, mask); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    /// <summary>mask = x op s for an operator chosen at run time.</summary>
    public static void Compare<T>(CompareOp op, ReadOnlySpan<T> x, T s, Span<byte> mask) where T : unmanaged, INumber<T>
    {
        switch (op)
        {
            case CompareOp.Equal: Equal(x, s, mask); break;
            case CompareOp.NotEqual: NotEqual(x, s, mask); break;
            case CompareOp.LessThan: LessThan(x, s, mask); break;
            case CompareOp.LessThanOrEqual: LessThanOrEqual(x, s, mask); break;
            case CompareOp.GreaterThan: GreaterThan(x, s, mask); break;
            case CompareOp.GreaterThanOrEqual: GreaterThanOrEqual(x, s, mask); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    /// <summary>mask = s op x for an operator chosen at run time (the mirrored x op' s: s &lt; x is x &gt; s).</summary>
    public static void Compare<T>(CompareOp op, T s, ReadOnlySpan<T> x, Span<byte> mask) where T : unmanaged, INumber<T> =>
        Compare(Mirror(op), x, s, mask);

    /// <summary>The operator that gives the same answer with its operands swapped.</summary>
    public static CompareOp Mirror(CompareOp op) => op switch
    {
        CompareOp.Equal or CompareOp.NotEqual => op,
        CompareOp.LessThan => CompareOp.GreaterThan,
        CompareOp.LessThanOrEqual => CompareOp.GreaterThanOrEqual,
        CompareOp.GreaterThan => CompareOp.LessThan,
        CompareOp.GreaterThanOrEqual => CompareOp.LessThanOrEqual,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, $"Unknown comparison {op}."),
    };

    /// <summary>
    /// m[i] = x[i·sx] op y[i·sy] for operands with any element strides (a transposed or broadcast view):
    /// the scalar form of the kernels above, with the same IEEE semantics.
    /// </summary>
    public static void CompareStrided<T>(CompareOp op, ref T x, nint sx, ref T y, nint sy, ref byte m, nint n) where T : unmanaged, INumber<T>
    {
        switch (op)
        {
            case CompareOp.Equal: CompareStrided<T, Equal<T>>(ref x, sx, ref y, sy, ref m, n); break;
            case CompareOp.NotEqual: CompareStrided<T, NotEqual<T>>(ref x, sx, ref y, sy, ref m, n); break;
            case CompareOp.LessThan: CompareStrided<T, LessThan<T>>(ref x, sx, ref y, sy, ref m, n); break;
            case CompareOp.LessThanOrEqual: CompareStrided<T, LessThanOrEqual<T>>(ref x, sx, ref y, sy, ref m, n); break;
            case CompareOp.GreaterThan: CompareStrided<T, GreaterThan<T>>(ref x, sx, ref y, sy, ref m, n); break;
            case CompareOp.GreaterThanOrEqual: CompareStrided<T, GreaterThanOrEqual<T>>(ref x, sx, ref y, sy, ref m, n); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, $"Unknown comparison {op}.");
        }
    }

    /// <summary>dst = mask != 0 ? a : b (torch.where). Element size must be 4 or 8 bytes.</summary>
    public static void Where<T>(ReadOnlySpan<byte> mask, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst) where T : unmanaged
    {
        ElementwiseDriver.CheckLength(mask.Length, a.Length, nameof(a));
        ElementwiseDriver.CheckLength(mask.Length, b.Length, nameof(b));
        SelectCore(mask, a, default, false, b, dst);
    }

    /// <summary>dst = mask != 0 ? a : y, for a scalar a.</summary>
    public static void Where<T>(ReadOnlySpan<byte> mask, T a, ReadOnlySpan<T> b, Span<T> dst) where T : unmanaged
    {
        ElementwiseDriver.CheckLength(mask.Length, b.Length, nameof(b));
        SelectCore(mask, default, a, true, b, dst);
    }

    /// <summary>dst = mask != 0 ? value : x (Tensor.masked_fill).</summary>
    public static void MaskedFill<T>(ReadOnlySpan<T> x, ReadOnlySpan<byte> mask, T value, Span<T> dst) where T : unmanaged =>
        Where(mask, value, x, dst);

    /// <summary>dst = (a != 0) &amp; (b != 0) as 0/1.</summary>
    public static void LogicalAnd(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst) => Logical(a, b, dst, 0);
    /// <summary>dst = (a != 0) | (b != 0) as 0/1.</summary>
    public static void LogicalOr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst) => Logical(a, b, dst, 1);
    /// <summary>dst = (a != 0) ^ (b != 0) as 0/1.</summary>
    public static void LogicalXor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst) => Logical(a, b, dst, 2);

    /// <summary>dst = a == 0 as 0/1.</summary>
    public static void LogicalNot(ReadOnlySpan<byte> a, Span<byte> dst)
    {
        ElementwiseDriver.CheckLength(a.Length, dst.Length, nameof(dst));
        for (int i = 0; i < a.Length; i++) dst[i] = a[i] == 0 ? (byte)1 : (byte)0;
    }

    /// <summary>dst = mask != 0 ? 1 : 0 converted to <typeparamref name="T"/> (bool to number cast).</summary>
    public static void MaskToNumber<T>(ReadOnlySpan<byte> mask, Span<T> dst) where T : unmanaged, INumberBase<T>
    {
        ElementwiseDriver.CheckLength(mask.Length, dst.Length, nameof(dst));
        for (int i = 0; i < mask.Length; i++) dst[i] = mask[i] != 0 ? T.One : T.Zero;
    }

    private static void Logical(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst, int kind)
    {
        ElementwiseDriver.CheckLength(a.Length, b.Length, nameof(b));
        ElementwiseDriver.CheckLength(a.Length, dst.Length, nameof(dst));
        for (int i = 0; i < a.Length; i++)
        {
            bool x = a[i] != 0, y = b[i] != 0;
            dst[i] = (kind == 0 ? x & y : kind == 1 ? x | y : x ^ y) ? (byte)1 : (byte)0;
        }
    }

    // ------------------------------------------------------------------ drivers

    private static void Compare<T, TCmp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<byte> mask)
        where T : unmanaged where TCmp : struct, IComparisonOperator<T>
    {
        ElementwiseDriver.CheckLength(x.Length, y.Length, nameof(y));
        ElementwiseDriver.CheckLength(x.Length, mask.Length, nameof(mask));
        CompareCore<T, TCmp>(x, y, default, false, mask);
    }

    private static void Compare<T, TCmp>(ReadOnlySpan<T> x, T s, Span<byte> mask)
        where T : unmanaged where TCmp : struct, IComparisonOperator<T>
    {
        ElementwiseDriver.CheckLength(x.Length, mask.Length, nameof(mask));
        CompareCore<T, TCmp>(x, default, s, true, mask);
    }

    private static void CompareCore<T, TCmp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T s, bool scalarY, Span<byte> mask)
        where T : unmanaged where TCmp : struct, IComparisonOperator<T>
    {
        int n = x.Length;
        bool simd = !KernelOptions.DisableSimd;
        if (!ElementwiseDriver.ShouldSplit(n))
        {
            CompareRange<T, TCmp>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), s, scalarY,
                ref MemoryMarshal.GetReference(mask), n, simd);
            return;
        }
        CompareParallel<T, TCmp>(x, y, s, scalarY, mask, simd);
    }

    private static void CompareParallel<T, TCmp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T s, bool scalarY, Span<byte> mask, bool simd)
        where T : unmanaged where TCmp : struct, IComparisonOperator<T>
    {
        int n = x.Length;
        fixed (T* px = x)
        fixed (T* py = y)
        fixed (byte* pm = mask)
        {
            nint ax = (nint)px, ay = (nint)py, am = (nint)pm;
            ParallelRuntime.For(0, n, ElementwiseDriver.Grain, (st, e) =>
                CompareRange<T, TCmp>(ref Unsafe.AsRef<T>((T*)ax + st), ref scalarY ? ref Unsafe.AsRef<T>((T*)ay) : ref Unsafe.AsRef<T>((T*)ay + st),
                    s, scalarY, ref Unsafe.AsRef<byte>((byte*)am + st), (nint)(e - st), simd));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void CompareRange<T, TCmp>(ref T x, ref T y, T s, bool scalarY, ref byte m, nint n, bool simd)
        where T : unmanaged where TCmp : struct, IComparisonOperator<T>
    {
        nint i = 0;
        if (simd && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && (sizeof(T) == 4 || sizeof(T) == 8))
        {
            nint c = Vector512<T>.Count;
            nint block = 64; // bytes per store
            Vector512<T> vs = Vector512.Create(s);
            for (; i <= n - block; i += block)
            {
                Vector512<byte> bytes;
                if (sizeof(T) == 4)
                {
                    Vector512<int> m0 = Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i).AsInt32();
                    Vector512<int> m1 = Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i + c).AsInt32();
                    Vector512<int> m2 = Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i + 2 * c).AsInt32();
                    Vector512<int> m3 = Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i + 3 * c).AsInt32();
                    bytes = Vector512.Narrow(Vector512.Narrow(m0, m1), Vector512.Narrow(m2, m3)).AsByte();
                }
                else
                {
                    Vector512<int> w0 = Vector512.Narrow(Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i).AsInt64(), Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i + c).AsInt64());
                    Vector512<int> w1 = Vector512.Narrow(Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i + 2 * c).AsInt64(), Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i + 3 * c).AsInt64());
                    Vector512<int> w2 = Vector512.Narrow(Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i + 4 * c).AsInt64(), Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i + 5 * c).AsInt64());
                    Vector512<int> w3 = Vector512.Narrow(Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i + 6 * c).AsInt64(), Cmp<T, TCmp>(ref x, ref y, vs, scalarY, i + 7 * c).AsInt64());
                    bytes = Vector512.Narrow(Vector512.Narrow(w0, w1), Vector512.Narrow(w2, w3)).AsByte();
                }
                (bytes & Vector512<byte>.One).StoreUnsafe(ref m, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref m, i) = TCmp.Invoke(Unsafe.Add(ref x, i), scalarY ? s : Unsafe.Add(ref y, i)) ? (byte)1 : (byte)0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void CompareStrided<T, TCmp>(ref T x, nint sx, ref T y, nint sy, ref byte m, nint n)
        where T : unmanaged where TCmp : struct, IComparisonOperator<T>
    {
        for (nint i = 0; i < n; i++)
            Unsafe.Add(ref m, i) = TCmp.Invoke(Unsafe.Add(ref x, i * sx), Unsafe.Add(ref y, i * sy)) ? (byte)1 : (byte)0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Cmp<T, TCmp>(ref T x, ref T y, Vector512<T> vs, bool scalarY, nint i)
        where T : unmanaged where TCmp : struct, IComparisonOperator<T> =>
        TCmp.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), scalarY ? vs : Vector512.LoadUnsafe(ref y, (nuint)i));

    private static void SelectCore<T>(ReadOnlySpan<byte> mask, ReadOnlySpan<T> a, T s, bool scalarA, ReadOnlySpan<T> b, Span<T> dst)
        where T : unmanaged
    {
        ElementwiseDriver.CheckLength(mask.Length, dst.Length, nameof(dst));
        if (sizeof(T) != 4 && sizeof(T) != 8 && sizeof(T) != 2 && sizeof(T) != 1)
            throw new NotSupportedException("Where supports 1, 2, 4 and 8-byte element types.");
        int n = mask.Length;
        bool simd = !KernelOptions.DisableSimd;
        if (!ElementwiseDriver.ShouldSplit(n))
        {
            SelectRange(ref MemoryMarshal.GetReference(mask), ref MemoryMarshal.GetReference(a), s, scalarA,
                ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(dst), n, simd);
            return;
        }
        SelectParallel(mask, a, s, scalarA, b, dst, simd);
    }

    private static void SelectParallel<T>(ReadOnlySpan<byte> mask, ReadOnlySpan<T> a, T s, bool scalarA, ReadOnlySpan<T> b, Span<T> dst, bool simd)
        where T : unmanaged
    {
        int n = mask.Length;
        fixed (byte* pm = mask)
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pd = dst)
        {
            nint am = (nint)pm, aa = (nint)pa, ab = (nint)pb, ad = (nint)pd;
            ParallelRuntime.For(0, n, ElementwiseDriver.Grain, (st, e) =>
                SelectRange(ref Unsafe.AsRef<byte>((byte*)am + st), ref scalarA ? ref Unsafe.AsRef<T>((T*)aa) : ref Unsafe.AsRef<T>((T*)aa + st), s, scalarA,
                    ref Unsafe.AsRef<T>((T*)ab + st), ref Unsafe.AsRef<T>((T*)ad + st), (nint)(e - st), simd));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void SelectRange<T>(ref byte m, ref T a, T s, bool scalarA, ref T b, ref T d, nint n, bool simd) where T : unmanaged
    {
        nint i = 0;
        if (simd && Avx512F.IsSupported && Vector512<T>.IsSupported && (sizeof(T) == 4 || sizeof(T) == 8))
        {
            nint c = Vector512<T>.Count;
            Vector512<T> vs = Vector512.Create(s);
            for (; i <= n - c; i += c)
            {
                Vector512<T> sel;
                if (sizeof(T) == 4)
                {
                    Vector512<int> w = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref m, (nuint)i));
                    sel = ~Vector512.Equals(w, Vector512<int>.Zero).As<int, T>();
                }
                else
                {
                    Vector128<byte> eight = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref m, i))).AsByte();
                    Vector512<long> w = Avx512F.ConvertToVector512Int64(eight);
                    sel = ~Vector512.Equals(w, Vector512<long>.Zero).As<long, T>();
                }
                Vector512<T> va = scalarA ? vs : Vector512.LoadUnsafe(ref a, (nuint)i);
                Vector512.ConditionalSelect(sel, va, Vector512.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref d, i) = Unsafe.Add(ref m, i) != 0 ? (scalarA ? s : Unsafe.Add(ref a, i)) : Unsafe.Add(ref b, i);
    }
}
