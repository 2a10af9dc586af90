using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Threading;
using static Tessera.Kernels.Operators.ArithmeticOperators;

namespace Tessera.Kernels.Elementwise;

/// <summary>
/// The two broadcast patterns worth a dedicated kernel: a (rows, cols) matrix combined with a row
/// vector (cols) repeated down the rows, or with a column vector (rows, 1) repeated across the
/// columns. <c>dst</c> is (rows, cols) and may be the matrix itself.
/// </summary>
internal static unsafe class Broadcast2D
{
    private static void Check(int xLength, int rows, int cols, int vLength, int expectedV, int dstLength, string vName)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), "rows and cols must be non-negative.");
        ElementwiseDriver.CheckLength((int)((long)rows * cols), xLength, "x");
        ElementwiseDriver.CheckLength(expectedV, vLength, vName);
        ElementwiseDriver.CheckLength(xLength, dstLength, "dst");
    }

    /// <summary>
    /// dst[r, c] = x[r, c] op row[c], or row[c] op x[r, c] when <paramref name="rowOnLeft"/>.
    /// </summary>
    public static void WithRow<T, TOp>(TOp op, ReadOnlySpan<T> x, int rows, int cols, ReadOnlySpan<T> row, Span<T> dst, bool rowOnLeft = false)
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        Check(x.Length, rows, cols, row.Length, cols, dst.Length, nameof(row));
        bool simd = TOp.Vectorizable && !KernelOptions.DisableSimd;
        if (!ElementwiseDriver.ShouldSplit(x.Length) || rows < 2)
        {
            RowRange(op, simd, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(row), ref MemoryMarshal.GetReference(dst), 0, rows, cols, rowOnLeft);
            return;
        }
        RowParallel(op, simd, x, rows, cols, row, dst, rowOnLeft);
    }

    private static void RowParallel<T, TOp>(TOp op, bool simd, ReadOnlySpan<T> x, int rows, int cols, ReadOnlySpan<T> row, Span<T> dst, bool rowOnLeft)
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        fixed (T* px = x)
        fixed (T* pv = row)
        fixed (T* pd = dst)
        {
            nint ax = (nint)px, av = (nint)pv, ad = (nint)pd;
            long grainRows = Math.Max(1, ElementwiseDriver.Grain / Math.Max(1, cols));
            ParallelRuntime.For(0, rows, grainRows, (s, e) =>
                RowRange(op, simd, ref Unsafe.AsRef<T>((T*)ax), ref Unsafe.AsRef<T>((T*)av), ref Unsafe.AsRef<T>((T*)ad), (int)s, (int)e, cols, rowOnLeft));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void RowRange<T, TOp>(TOp op, bool simd, ref T x, ref T v, ref T d, int r0, int r1, int cols, bool rowOnLeft)
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        if (simd && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && cols % (4 * Vector512<T>.Count) == 0)
        {
            // Rows that are whole multiples of four vectors (1024-wide activations and the like) need
            // no head or tail handling: one tight loop per row, measured ~7 ns a row cheaper.
            nint c = Vector512<T>.Count;
            for (int r = r0; r < r1; r++)
            {
                nint off = (nint)r * cols;
                ref T xr = ref Unsafe.Add(ref x, off);
                ref T dr = ref Unsafe.Add(ref d, off);
                ref T a = ref rowOnLeft ? ref v : ref xr;
                ref T b = ref rowOnLeft ? ref xr : ref v;
                for (nint j = 0; j < cols; j += 4 * c)
                {
                    op.Invoke(Vector512.LoadUnsafe(ref a, (nuint)j), Vector512.LoadUnsafe(ref b, (nuint)j)).StoreUnsafe(ref dr, (nuint)j);
                    op.Invoke(Vector512.LoadUnsafe(ref a, (nuint)(j + c)), Vector512.LoadUnsafe(ref b, (nuint)(j + c))).StoreUnsafe(ref dr, (nuint)(j + c));
                    op.Invoke(Vector512.LoadUnsafe(ref a, (nuint)(j + 2 * c)), Vector512.LoadUnsafe(ref b, (nuint)(j + 2 * c))).StoreUnsafe(ref dr, (nuint)(j + 2 * c));
                    op.Invoke(Vector512.LoadUnsafe(ref a, (nuint)(j + 3 * c)), Vector512.LoadUnsafe(ref b, (nuint)(j + 3 * c))).StoreUnsafe(ref dr, (nuint)(j + 3 * c));
                }
            }
            return;
        }
        for (int r = r0; r < r1; r++)
        {
            nint off = (nint)r * cols;
            ref T xr = ref Unsafe.Add(ref x, off);
            // One inlined call site: the operand order is chosen by reference.
            ElementwiseDriver.BinaryRange(op, simd, ref rowOnLeft ? ref v : ref xr, ref rowOnLeft ? ref xr : ref v, ref Unsafe.Add(ref d, off), cols);
        }
    }

    /// <summary>
    /// dst[r, c] = x[r, c] op column[r], or column[r] op x[r, c] when <paramref name="columnOnLeft"/>.
    /// </summary>
    public static void WithColumn<T, TOp>(TOp op, ReadOnlySpan<T> x, int rows, int cols, ReadOnlySpan<T> column, Span<T> dst, bool columnOnLeft = false)
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        Check(x.Length, rows, cols, column.Length, rows, dst.Length, nameof(column));
        bool simd = TOp.Vectorizable && !KernelOptions.DisableSimd;
        if (!ElementwiseDriver.ShouldSplit(x.Length) || rows < 2)
        {
            ColumnRange(op, simd, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(column), ref MemoryMarshal.GetReference(dst), 0, rows, cols, columnOnLeft);
            return;
        }
        ColumnParallel(op, simd, x, rows, cols, column, dst, columnOnLeft);
    }

    private static void ColumnParallel<T, TOp>(TOp op, bool simd, ReadOnlySpan<T> x, int rows, int cols, ReadOnlySpan<T> column, Span<T> dst, bool columnOnLeft)
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        fixed (T* px = x)
        fixed (T* pv = column)
        fixed (T* pd = dst)
        {
            nint ax = (nint)px, av = (nint)pv, ad = (nint)pd;
            long grainRows = Math.Max(1, ElementwiseDriver.Grain / Math.Max(1, cols));
            ParallelRuntime.For(0, rows, grainRows, (s, e) =>
                ColumnRange(op, simd, ref Unsafe.AsRef<T>((T*)ax), ref Unsafe.AsRef<T>((T*)av), ref Unsafe.AsRef<T>((T*)ad), (int)s, (int)e, cols, columnOnLeft));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ColumnRange<T, TOp>(TOp op, bool simd, ref T x, ref T v, ref T d, int r0, int r1, int cols, bool columnOnLeft)
        where T : unmanaged where TOp : struct, IBinaryOperator<T>
    {
        for (int r = r0; r < r1; r++)
        {
            nint off = (nint)r * cols;
            T s = Unsafe.Add(ref v, r);
            if (columnOnLeft) ElementwiseDriver.UnaryRange(new BindLeft<T, TOp>(s, op), simd, ref Unsafe.Add(ref x, off), ref Unsafe.Add(ref d, off), cols);
            else ElementwiseDriver.UnaryRange(new BindRight<T, TOp>(op, s), simd, ref Unsafe.Add(ref x, off), ref Unsafe.Add(ref d, off), cols);
        }
    }
}
