using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Threading;
using static Tessera.Kernels.Operators.ReductionOperators;

namespace Tessera.Kernels.Reduce;

/// <summary>
/// Reductions over the middle axis of a contiguous (outer, reduce, inner) view: dst[o, j] =
/// reduce over r of x[o, r, j]. This covers reducing any single dimension of a contiguous tensor
/// (outer = product of the leading dims, inner = product of the trailing dims). Results are
/// deterministic and independent of the thread count; the summation order is documented on
/// <see cref="ReductionCore"/> (pairwise cascade of vector chunks along rows; blocks of 64 rows
/// cascaded along columns).
/// </summary>
/// <remarks>
/// inner == 1 is the fast row path (vectorised along the reduced axis); inner &gt; 1 vectorises
/// across inner (64-column tiles). Max/min/argmax/argmin propagate NaN like PyTorch: a slice with a
/// NaN yields NaN and the index of its first NaN; ties give the first index.
/// </remarks>
[SkipLocalsInit]
internal static unsafe class AxisReductions
{
    private const int TileColumns = 64;

    /// <summary>dst[o, j] = Σ_r x[o, r, j]. An empty reduced axis gives 0.</summary>
    public static void Sum<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> dst) where T : unmanaged, INumber<T> =>
        MapSum(new Value<T>(), x, outer, reduce, inner, default, false, dst);

    /// <summary>dst[o, j] = Σ_r x[o, r, j]^2.</summary>
    public static void SumOfSquares<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> dst) where T : unmanaged, INumber<T> =>
        MapSum(new Square<T>(), x, outer, reduce, inner, default, false, dst);

    /// <summary>dst[o, j] = (Σ_r x[o, r, j]) / reduce (NaN for an empty axis, as PyTorch).</summary>
    public static void Mean<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        MapSum(new Value<T>(), x, outer, reduce, inner, default, false, dst);
        T n = T.CreateTruncating(reduce);
        for (int k = 0; k < dst.Length; k++) dst[k] /= n;
    }

    /// <summary>dst[o, j] = max_r x[o, r, j]; NaN if the slice holds a NaN. reduce must be at least 1.</summary>
    public static void Max<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> dst) where T : unmanaged, INumber<T> =>
        Extremum(true, x, outer, reduce, inner, dst);

    /// <summary>dst[o, j] = min_r x[o, r, j]; NaN if the slice holds a NaN. reduce must be at least 1.</summary>
    public static void Min<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> dst) where T : unmanaged, INumber<T> =>
        Extremum(false, x, outer, reduce, inner, dst);

    /// <summary>indices[o, j] = first r attaining the max (first NaN if any).</summary>
    public static void ArgMax<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<long> indices) where T : unmanaged, INumber<T> =>
        ExtremumWithIndex(true, x, outer, reduce, inner, default, indices);

    /// <summary>indices[o, j] = first r attaining the min (first NaN if any).</summary>
    public static void ArgMin<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<long> indices) where T : unmanaged, INumber<T> =>
        ExtremumWithIndex(false, x, outer, reduce, inner, default, indices);

    /// <summary>torch.max(x, dim): values[o, j] and the first index attaining them.</summary>
    public static void MaxWithIndex<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> values, Span<long> indices) where T : unmanaged, INumber<T>
    {
        ElementwiseDriver.CheckLength(indices.Length, values.Length, nameof(values));
        ExtremumWithIndex(true, x, outer, reduce, inner, values, indices);
    }

    /// <summary>torch.min(x, dim): values[o, j] and the first index attaining them.</summary>
    public static void MinWithIndex<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> values, Span<long> indices) where T : unmanaged, INumber<T>
    {
        ElementwiseDriver.CheckLength(indices.Length, values.Length, nameof(values));
        ExtremumWithIndex(false, x, outer, reduce, inner, values, indices);
    }

    /// <summary>
    /// Variance with Bessel-style <paramref name="correction"/> (1 = unbiased, PyTorch's default):
    /// Σ(x - mean)^2 / max(0, reduce - correction). Two passes (mean, then squared deviations, with
    /// the rounding-error term Σ(x - mean) subtracted: the corrected two-pass algorithm).
    /// </summary>
    public static void Var<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> dst, double correction = 1.0) where T : unmanaged, IFloatingPointIeee754<T> =>
        VarMean(x, outer, reduce, inner, dst, default, correction, false);

    /// <summary>Standard deviation: sqrt of <see cref="Var{T}"/>.</summary>
    public static void Std<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> dst, double correction = 1.0) where T : unmanaged, IFloatingPointIeee754<T> =>
        VarMean(x, outer, reduce, inner, dst, default, correction, true);

    /// <summary>torch.var_mean: variance (see <see cref="Var{T}"/>) and mean in one call.</summary>
    public static void VarMean<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> variance, Span<T> mean, double correction = 1.0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ElementwiseDriver.CheckLength(variance.Length, mean.Length, nameof(mean));
        VarMean(x, outer, reduce, inner, variance, mean, correction, false);
    }

    /// <summary>
    /// dst[o, j] = log Σ_r e^(x[o, r, j]), computed as m + log Σ e^(x - m) with m the slice max;
    /// a slice whose max is ±inf or NaN gives that max (all -inf gives -inf; an empty axis gives -inf).
    /// </summary>
    public static void LogSumExp<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(x.Length, outer, reduce, inner, dst.Length, nameof(dst));
        if (reduce == 0) { dst.Fill(T.NegativeInfinity); return; }
        Extremum(true, x, outer, reduce, inner, dst);
        int count = dst.Length;
        T[] shiftArray = ArrayPool<T>.Shared.Rent(count);
        try
        {
            Span<T> shift = shiftArray.AsSpan(0, count);
            for (int k = 0; k < count; k++) shift[k] = T.IsFinite(dst[k]) ? dst[k] : T.Zero;
            T[] sumArray = ArrayPool<T>.Shared.Rent(count);
            try
            {
                Span<T> sums = sumArray.AsSpan(0, count);
                MapSum(new ExpDiff<T>(), x, outer, reduce, inner, shift, true, sums);
                for (int k = 0; k < count; k++)
                    if (T.IsFinite(dst[k])) dst[k] += T.Log(sums[k]);
            }
            finally { ArrayPool<T>.Shared.Return(sumArray); }
        }
        finally { ArrayPool<T>.Shared.Return(shiftArray); }
    }

    // ------------------------------------------------------------------ shared plumbing

    internal static void CheckShape(int length, int outer, int reduce, int inner, int dstLength, string dstName)
    {
        if (outer < 0 || reduce < 0 || inner < 0)
            throw new ArgumentOutOfRangeException(nameof(outer), "outer, reduce and inner must be non-negative.");
        if ((long)outer * reduce * inner != length)
            throw new ArgumentException($"x has length {length}; expected outer*reduce*inner = {(long)outer * reduce * inner}.", "x");
        ElementwiseDriver.CheckLength((int)((long)outer * inner), dstLength, dstName);
    }

    private static int Units(int outer, int inner) => inner == 1 ? outer : outer * ((inner + TileColumns - 1) / TileColumns);

    private static long GrainUnits(int reduce, int inner) =>
        Math.Max(1, ReductionCore.SuperBlock / ((long)Math.Max(1, reduce) * (inner == 1 ? 1 : Math.Min(inner, TileColumns))));

    /// <summary>dst[o, j] = Σ_r op(x[o, r, j], shift[o, j]).</summary>
    internal static void MapSum<T, TOp>(TOp op, ReadOnlySpan<T> x, int outer, int reduce, int inner, ReadOnlySpan<T> shift, bool hasShift, Span<T> dst)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        CheckShape(x.Length, outer, reduce, inner, dst.Length, nameof(dst));
        if (hasShift) ElementwiseDriver.CheckLength(dst.Length, shift.Length, nameof(shift));
        bool simd = TOp.Vectorizable && !KernelOptions.DisableSimd;
        if (dst.IsEmpty) return;
        if (inner == 1 && outer == 1)
        {
            dst[0] = ReductionCore.RowSumParallel(op, hasShift ? shift[0] : T.Zero, simd, x);
            return;
        }
        int units = Units(outer, inner);
        if (!ElementwiseDriver.ShouldSplit(x.Length) || units < 2)
        {
            MapSumUnits(op, simd, ref MemoryMarshal.GetReference(x), reduce, inner, ref MemoryMarshal.GetReference(shift), hasShift,
                ref MemoryMarshal.GetReference(dst), 0, units);
            return;
        }
        MapSumParallel(op, simd, x, reduce, inner, shift, hasShift, dst, units);
    }

    private static void MapSumParallel<T, TOp>(TOp op, bool simd, ReadOnlySpan<T> x, int reduce, int inner, ReadOnlySpan<T> shift, bool hasShift, Span<T> dst, int units)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        fixed (T* px = x)
        fixed (T* ps = shift)
        fixed (T* pd = dst)
        {
            nint ax = (nint)px, asf = (nint)ps, ad = (nint)pd;
            ParallelRuntime.For(0, units, GrainUnits(reduce, inner), (u0, u1) =>
                MapSumUnits(op, simd, ref Unsafe.AsRef<T>((T*)ax), reduce, inner, ref Unsafe.AsRef<T>((T*)asf), hasShift,
                    ref Unsafe.AsRef<T>((T*)ad), (int)u0, (int)u1));
        }
    }

    private static void MapSumUnits<T, TOp>(TOp op, bool simd, ref T x, int reduce, int inner, ref T shift, bool hasShift, ref T dst, int u0, int u1)
        where T : unmanaged, INumberBase<T> where TOp : struct, IBinaryOperator<T>
    {
        if (inner == 1)
        {
            ReductionCore.RowSums(op, simd, ref x, reduce, ref shift, hasShift, ref dst, u0, u1);
            return;
        }
        int tiles = (inner + TileColumns - 1) / TileColumns;
        for (int u = u0; u < u1; u++)
        {
            int o = u / tiles, t = u % tiles;
            nint j0 = (nint)t * TileColumns, j1 = Math.Min(inner, j0 + TileColumns);
            nint slab = (nint)o * reduce * inner, row = (nint)o * inner;
            ReductionCore.ColumnSum(op, simd, ref Unsafe.Add(ref x, slab), reduce, inner, ref Unsafe.Add(ref shift, hasShift ? row : 0), hasShift,
                ref Unsafe.Add(ref dst, row), j0, j1);
        }
    }

    private static void Extremum<T>(bool max, ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> dst) where T : unmanaged, INumber<T>
    {
        CheckShape(x.Length, outer, reduce, inner, dst.Length, nameof(dst));
        if (dst.IsEmpty) return;
        if (reduce == 0) throw new ArgumentException("Cannot take the max or min over an empty axis.", nameof(reduce));
        bool simd = !KernelOptions.DisableSimd;
        if (inner == 1 && outer == 1)
        {
            dst[0] = ReductionCore.RowExtremumParallel(max, simd, x);
            return;
        }
        int units = Units(outer, inner);
        if (!ElementwiseDriver.ShouldSplit(x.Length) || units < 2)
        {
            ExtremumUnits(max, simd, ref MemoryMarshal.GetReference(x), reduce, inner, ref MemoryMarshal.GetReference(dst), 0, units);
            return;
        }
        ExtremumParallel(max, simd, x, reduce, inner, dst, units);
    }

    private static void ExtremumParallel<T>(bool max, bool simd, ReadOnlySpan<T> x, int reduce, int inner, Span<T> dst, int units) where T : unmanaged, INumber<T>
    {
        fixed (T* px = x)
        fixed (T* pd = dst)
        {
            nint ax = (nint)px, ad = (nint)pd;
            ParallelRuntime.For(0, units, GrainUnits(reduce, inner), (u0, u1) =>
                ExtremumUnits(max, simd, ref Unsafe.AsRef<T>((T*)ax), reduce, inner, ref Unsafe.AsRef<T>((T*)ad), (int)u0, (int)u1));
        }
    }

    private static void ExtremumUnits<T>(bool max, bool simd, ref T x, int reduce, int inner, ref T dst, int u0, int u1) where T : unmanaged, INumber<T>
    {
        if (inner == 1)
        {
            for (int o = u0; o < u1; o++)
                Unsafe.Add(ref dst, o) = ReductionCore.RowExtremum(max, simd, ref Unsafe.Add(ref x, (nint)o * reduce), reduce);
            return;
        }
        int tiles = (inner + TileColumns - 1) / TileColumns;
        for (int u = u0; u < u1; u++)
        {
            int o = u / tiles, t = u % tiles;
            nint j0 = (nint)t * TileColumns, j1 = Math.Min(inner, j0 + TileColumns);
            ReductionCore.ColumnExtremum(max, simd, ref Unsafe.Add(ref x, (nint)o * reduce * inner), reduce, inner,
                ref Unsafe.Add(ref dst, (nint)o * inner), j0, j1);
        }
    }

    private static void ExtremumWithIndex<T>(bool max, ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> values, Span<long> indices)
        where T : unmanaged, INumber<T>
    {
        CheckShape(x.Length, outer, reduce, inner, indices.Length, nameof(indices));
        if (indices.IsEmpty) return;
        if (reduce == 0) throw new ArgumentException("Cannot take the argmax or argmin over an empty axis.", nameof(reduce));
        T[]? rented = null;
        if (values.IsEmpty)
        {
            rented = ArrayPool<T>.Shared.Rent(indices.Length);
            values = rented.AsSpan(0, indices.Length);
        }
        try
        {
            Extremum(max, x, outer, reduce, inner, values);
            bool simd = !KernelOptions.DisableSimd;
            if (inner == 1)
            {
                if (outer == 1 || !ElementwiseDriver.ShouldSplit(x.Length))
                {
                    for (int o = 0; o < outer; o++)
                        indices[o] = ReductionCore.IndexOfFirst(simd, ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (nint)o * reduce), reduce, values[o]);
                }
                else IndexRowsParallel(simd, x, reduce, values, indices);
                return;
            }
            // Columns: sweep rows once per 64-column tile, resolving each column at its first hit.
            int units = Units(outer, inner);
            if (!ElementwiseDriver.ShouldSplit(x.Length) || units < 2)
                ResolveColumns(simd, ref MemoryMarshal.GetReference(x), reduce, inner, ref MemoryMarshal.GetReference(values),
                    ref MemoryMarshal.GetReference(indices), 0, units);
            else ResolveColumnsParallel(simd, x, reduce, inner, values, indices, units);
        }
        finally
        {
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    private static void ResolveColumnsParallel<T>(bool simd, ReadOnlySpan<T> x, int reduce, int inner, ReadOnlySpan<T> values, Span<long> indices, int units)
        where T : unmanaged, INumber<T>
    {
        fixed (T* px = x)
        fixed (T* pv = values)
        fixed (long* pi = indices)
        {
            nint ax = (nint)px, av = (nint)pv, ai = (nint)pi;
            ParallelRuntime.For(0, units, GrainUnits(reduce, inner), (u0, u1) =>
                ResolveColumns(simd, ref Unsafe.AsRef<T>((T*)ax), reduce, inner, ref Unsafe.AsRef<T>((T*)av), ref Unsafe.AsRef<long>((long*)ai), (int)u0, (int)u1));
        }
    }

    /// <summary>
    /// For each (outer, 64-column tile) unit in [u0, u1): indices[o, j] = the first r with
    /// x[o, r, j] == values[o, j] (or both NaN). Rows are compared a vector at a time and a tile
    /// stops as soon as all its columns are resolved.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ResolveColumns<T>(bool simd, ref T x, int reduce, int inner, ref T values, ref long indices, int u0, int u1)
        where T : unmanaged, INumber<T>
    {
        int tiles = (inner + TileColumns - 1) / TileColumns;
        int lanes = Vector512<T>.Count;
        bool vector = simd && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported;
        for (int u = u0; u < u1; u++)
        {
            int o = u / tiles, j0 = u % tiles * TileColumns, j1 = Math.Min(inner, j0 + TileColumns);
            ref T slab = ref Unsafe.Add(ref x, (nint)o * reduce * inner);
            ref T v = ref Unsafe.Add(ref values, (nint)o * inner);
            ref long idx = ref Unsafe.Add(ref indices, (nint)o * inner);
            for (int j = j0; j < j1; j++) Unsafe.Add(ref idx, j) = -1;
            int unresolved = j1 - j0;
            for (int r = 0; r < reduce && unresolved > 0; r++)
            {
                ref T row = ref Unsafe.Add(ref slab, (nint)r * inner);
                int j = j0;
                if (vector)
                {
                    for (; j <= j1 - lanes; j += lanes)
                    {
                        Vector512<T> a = Vector512.LoadUnsafe(ref row, (nuint)j), m = Vector512.LoadUnsafe(ref v, (nuint)j);
                        // a == m, or both NaN (x != x only for NaN).
                        Vector512<T> hit = Vector512.Equals(a, m) | (~Vector512.Equals(a, a) & ~Vector512.Equals(m, m));
                        ulong bits = hit.ExtractMostSignificantBits();
                        while (bits != 0)
                        {
                            int jj = j + BitOperations.TrailingZeroCount(bits);
                            bits &= bits - 1;
                            if (Unsafe.Add(ref idx, jj) < 0) { Unsafe.Add(ref idx, jj) = r; unresolved--; }
                        }
                    }
                }
                for (; j < j1; j++)
                {
                    if (Unsafe.Add(ref idx, j) >= 0) continue;
                    T a = Unsafe.Add(ref row, j), m = Unsafe.Add(ref v, j);
                    if (a == m || (T.IsNaN(m) && T.IsNaN(a))) { Unsafe.Add(ref idx, j) = r; unresolved--; }
                }
            }
        }
    }

    private static void IndexRowsParallel<T>(bool simd, ReadOnlySpan<T> x, int reduce, ReadOnlySpan<T> values, Span<long> indices) where T : unmanaged, INumber<T>
    {
        fixed (T* px = x)
        fixed (T* pv = values)
        fixed (long* pi = indices)
        {
            nint ax = (nint)px, av = (nint)pv, ai = (nint)pi;
            ParallelRuntime.For(0, indices.Length, GrainUnits(reduce, 1), (o0, o1) =>
            {
                for (long o = o0; o < o1; o++)
                    ((long*)ai)[o] = ReductionCore.IndexOfFirst(simd, ref Unsafe.AsRef<T>((T*)ax + o * reduce), reduce, ((T*)av)[o]);
            });
        }
    }

    private static void VarMean<T>(ReadOnlySpan<T> x, int outer, int reduce, int inner, Span<T> variance, Span<T> mean, double correction, bool sqrt)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(x.Length, outer, reduce, inner, variance.Length, nameof(variance));
        int count = variance.Length;
        T[] meanArray = ArrayPool<T>.Shared.Rent(count);
        T[] devArray = ArrayPool<T>.Shared.Rent(count);
        try
        {
            Span<T> m = meanArray.AsSpan(0, count);
            Span<T> dev = devArray.AsSpan(0, count);
            MapSum(new Value<T>(), x, outer, reduce, inner, default, false, m);
            T n = T.CreateTruncating(reduce);
            for (int k = 0; k < count; k++) m[k] /= n;
            MapSum(new SquaredDiff<T>(), x, outer, reduce, inner, m, true, variance);
            MapSum(new Diff<T>(), x, outer, reduce, inner, m, true, dev);
            T dof = T.CreateTruncating(Math.Max(0.0, reduce - correction));
            for (int k = 0; k < count; k++)
            {
                // The correction term can push an all-equal slice a hair below zero; clamp so std stays real.
                T v = T.Max(variance[k] - dev[k] * dev[k] / n, T.Zero) / dof;
                variance[k] = sqrt ? T.Sqrt(v) : v;
            }
            if (!mean.IsEmpty) m.CopyTo(mean);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(meanArray);
            ArrayPool<T>.Shared.Return(devArray);
        }
    }
}
