using System.Numerics;
using System.Runtime.InteropServices;
using Tessera.Kernels.Operators;
using static Tessera.Kernels.Operators.ReductionOperators;

namespace Tessera.Kernels.Reduce;

/// <summary>
/// Full reductions of a contiguous span to a scalar. Sums and dots use the deterministic pairwise
/// cascade documented on <see cref="ReductionCore"/> (same bits for any thread count); large spans
/// are reduced in parallel.
/// </summary>
internal static class Reductions
{
    /// <summary>Σ x (0 for an empty span).</summary>
    public static T Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> =>
        ReductionCore.RowSumParallel(new Value<T>(), T.Zero, !KernelOptions.DisableSimd, x);

    /// <summary>Σ x^2.</summary>
    public static T SumOfSquares<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> =>
        ReductionCore.RowSumParallel(new Square<T>(), T.Zero, !KernelOptions.DisableSimd, x);

    /// <summary>Σ x / n (NaN for an empty span).</summary>
    public static T Mean<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Sum(x) / T.CreateTruncating(x.Length);

    /// <summary>Σ x_i y_i, accumulated with fused multiply-adds.</summary>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, INumber<T>
    {
        ElementwiseDriver.CheckLength(x.Length, y.Length, nameof(y));
        return ReductionCore.RowDotParallel(!KernelOptions.DisableSimd, x, y);
    }

    /// <summary>Largest element; NaN if any element is NaN.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static T Max<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        if (x.IsEmpty) throw new ArgumentException("Cannot take the max of an empty span.", nameof(x));
        return ReductionCore.RowExtremumParallel(true, !KernelOptions.DisableSimd, x);
    }

    /// <summary>Smallest element; NaN if any element is NaN.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static T Min<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        if (x.IsEmpty) throw new ArgumentException("Cannot take the min of an empty span.", nameof(x));
        return ReductionCore.RowExtremumParallel(false, !KernelOptions.DisableSimd, x);
    }

    /// <summary>Index of the first largest element (of the first NaN, if any).</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static long ArgMax<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> =>
        ReductionCore.IndexOfFirst(!KernelOptions.DisableSimd, ref MemoryMarshal.GetReference(x), x.Length, Max(x));

    /// <summary>Index of the first smallest element (of the first NaN, if any).</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is empty.</exception>
    public static long ArgMin<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> =>
        ReductionCore.IndexOfFirst(!KernelOptions.DisableSimd, ref MemoryMarshal.GetReference(x), x.Length, Min(x));

    /// <summary>Variance with the given correction (1 = unbiased); see <see cref="AxisReductions.Var{T}"/>.</summary>
    public static T Var<T>(ReadOnlySpan<T> x, double correction = 1.0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> r = stackalloc T[1];
        AxisReductions.Var(x, 1, x.Length, 1, r, correction);
        return r[0];
    }

    /// <summary>log Σ e^x, stable (see <see cref="AxisReductions.LogSumExp{T}"/>).</summary>
    public static T LogSumExp<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> r = stackalloc T[1];
        AxisReductions.LogSumExp(x, 1, x.Length, 1, r);
        return r[0];
    }
}
