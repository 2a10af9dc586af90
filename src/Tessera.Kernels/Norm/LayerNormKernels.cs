using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tessera.Kernels.Elementwise;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Reduce;
using Tessera.Kernels.Threading;
using static Tessera.Kernels.Operators.ArithmeticOperators;
using static Tessera.Kernels.Operators.NormOperators;
using static Tessera.Kernels.Operators.ReductionOperators;

namespace Tessera.Kernels.Norm;

/// <summary>
/// Layer normalisation over the rows of a contiguous (rows, n) matrix:
/// y = (x - mean) * rstd * gamma + beta, rstd = 1 / sqrt(var + eps) with the biased variance.
/// </summary>
/// <remarks>
/// Row statistics use the deterministic cascade of <see cref="ReductionCore"/> (corrected two-pass
/// variance). In the backward pass dgamma and dbeta are accumulated per fixed block of rows (the
/// blocks depend only on the shape, not on the thread count) and the block partials are then added
/// in block order, so results are bit-identical for any thread count.
/// </remarks>
internal static unsafe class LayerNormKernels
{
    private const int MaxPartials = 16;

    /// <summary>
    /// Forward. <paramref name="gamma"/> and <paramref name="beta"/> are (n) or empty (absent);
    /// <paramref name="mean"/> and <paramref name="rstd"/> (rows) receive the statistics for backward.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, int rows, int n, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, T eps,
        Span<T> y, Span<T> mean, Span<T> rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(x.Length, rows, n);
        ElementwiseDriver.CheckLength(x.Length, y.Length, nameof(y));
        ElementwiseDriver.CheckLength(rows, mean.Length, nameof(mean));
        ElementwiseDriver.CheckLength(rows, rstd.Length, nameof(rstd));
        if (!gamma.IsEmpty) ElementwiseDriver.CheckLength(n, gamma.Length, nameof(gamma));
        if (!beta.IsEmpty) ElementwiseDriver.CheckLength(n, beta.Length, nameof(beta));
        if (rows == 0) return;
        fixed (T* px = x) fixed (T* pg = gamma) fixed (T* pb = beta) fixed (T* py = y) fixed (T* pm = mean) fixed (T* pr = rstd)
        {
            // An empty gamma/beta pins to null, which the row loop reads as "absent".
            var p = new Args<T>((nint)px, (nint)pg, (nint)pb, (nint)py, (nint)pm, (nint)pr, n, eps, !KernelOptions.DisableSimd);
            if (!ElementwiseDriver.ShouldSplit(x.Length) || rows < 2) ForwardRows(p, 0, rows);
            else ForwardParallel(p, rows);
        }
    }

    /// <summary>
    /// Backward from the saved mean/rstd. Any of <paramref name="dx"/>, <paramref name="dgamma"/>,
    /// <paramref name="dbeta"/> may be empty to skip it; <paramref name="gamma"/> empty means no scale.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> gradY, ReadOnlySpan<T> x, int rows, int n, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd,
        ReadOnlySpan<T> gamma, Span<T> dx, Span<T> dgamma, Span<T> dbeta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(x.Length, rows, n);
        ElementwiseDriver.CheckLength(x.Length, gradY.Length, nameof(gradY));
        ElementwiseDriver.CheckLength(rows, mean.Length, nameof(mean));
        ElementwiseDriver.CheckLength(rows, rstd.Length, nameof(rstd));
        if (!gamma.IsEmpty) ElementwiseDriver.CheckLength(n, gamma.Length, nameof(gamma));
        if (!dx.IsEmpty) ElementwiseDriver.CheckLength(x.Length, dx.Length, nameof(dx));
        if (!dgamma.IsEmpty) ElementwiseDriver.CheckLength(n, dgamma.Length, nameof(dgamma));
        if (!dbeta.IsEmpty) ElementwiseDriver.CheckLength(n, dbeta.Length, nameof(dbeta));
        dgamma.Clear();
        dbeta.Clear();
        if (rows == 0 || n == 0) return;
        bool wantParams = !dgamma.IsEmpty || !dbeta.IsEmpty;
        // Fixed partition of the rows into blocks: a function of the shape only.
        int blocks = (int)Math.Clamp((long)rows * n / ElementwiseDriver.Grain, 1, Math.Min(MaxPartials, rows));
        T[]? partials = wantParams ? ArrayPool<T>.Shared.Rent(blocks * 2 * n) : null;
        try
        {
            if (partials is not null) partials.AsSpan(0, blocks * 2 * n).Clear();
            fixed (T* pgy = gradY) fixed (T* px = x) fixed (T* pm = mean) fixed (T* pr = rstd) fixed (T* pg = gamma)
            fixed (T* pdx = dx) fixed (T* ppart = partials)
            {
                var p = new BackArgs<T>((nint)pgy, (nint)px, (nint)pm, (nint)pr, (nint)pg, !gamma.IsEmpty, (nint)pdx, !dx.IsEmpty,
                    (nint)ppart, !dgamma.IsEmpty, !dbeta.IsEmpty, rows, n, blocks, !KernelOptions.DisableSimd);
                if (blocks == 1 || ParallelRuntime.ThreadCount == 1 || ParallelRuntime.InParallelRegion)
                    for (int b = 0; b < blocks; b++) BackwardBlock(p, b);
                else
                    BackwardParallel(p, blocks);
            }
            if (partials is not null)
            {
                for (int b = 0; b < blocks; b++)
                {
                    if (!dgamma.IsEmpty) Arithmetic.Add(dgamma, partials.AsSpan(b * 2 * n, n), dgamma);
                    if (!dbeta.IsEmpty) Arithmetic.Add(dbeta, partials.AsSpan(b * 2 * n + n, n), dbeta);
                }
            }
        }
        finally
        {
            if (partials is not null) ArrayPool<T>.Shared.Return(partials);
        }
    }

    private static void CheckShape(int length, int rows, int n)
    {
        if (rows < 0 || n < 0) throw new ArgumentOutOfRangeException(nameof(rows), "rows and n must be non-negative.");
        ElementwiseDriver.CheckLength((int)((long)rows * n), length, "x");
    }

    private readonly record struct Args<T>(nint X, nint Gamma, nint Beta, nint Y, nint Mean, nint Rstd, int N, T Eps, bool Simd) where T : unmanaged;

    private static void ForwardParallel<T>(Args<T> p, int rows) where T : unmanaged, IFloatingPointIeee754<T> =>
        ParallelRuntime.For(0, rows, Math.Max(1, ElementwiseDriver.Grain / Math.Max(1, p.N)), (r0, r1) => ForwardRows(p, (int)r0, (int)r1));

    private static void ForwardRows<T>(Args<T> p, int r0, int r1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = p.N;
        T nT = T.CreateTruncating(n);
        bool simd = p.Simd;
        ref T gamma = ref Unsafe.AsRef<T>((T*)p.Gamma);
        ref T beta = ref Unsafe.AsRef<T>((T*)p.Beta);
        for (int r = r0; r < r1; r++)
        {
            ref T x = ref Unsafe.AsRef<T>((T*)p.X + (nint)r * n);
            ref T y = ref Unsafe.AsRef<T>((T*)p.Y + (nint)r * n);
            T m = ReductionCore.RowSum(new Value<T>(), T.Zero, simd, ref x, n) / nT;
            T m2 = ReductionCore.RowSum(new SquaredDiff<T>(), m, simd, ref x, n);
            T s1 = ReductionCore.RowSum(new Diff<T>(), m, simd, ref x, n);
            T variance = T.Max(m2 - s1 * s1 / nT, T.Zero) / nT;
            T rs = T.One / T.Sqrt(variance + p.Eps);
            ((T*)p.Mean)[r] = m;
            ((T*)p.Rstd)[r] = rs;
            bool hasGamma = p.Gamma != 0, hasBeta = p.Beta != 0;
            if (hasGamma && hasBeta) ElementwiseDriver.TernaryRange(new NormalizeAffine<T>(m, rs), simd, ref x, ref gamma, ref beta, ref y, n);
            else if (hasGamma) ElementwiseDriver.BinaryRange(new NormalizeScale<T>(m, rs), simd, ref x, ref gamma, ref y, n);
            else if (hasBeta) ElementwiseDriver.BinaryRange(new NormalizeShift<T>(m, rs), simd, ref x, ref beta, ref y, n);
            else ElementwiseDriver.UnaryRange(new Normalize<T>(m, rs), simd, ref x, ref y, n);
        }
    }

    private readonly record struct BackArgs<T>(nint GradY, nint X, nint Mean, nint Rstd, nint Gamma, bool HasGamma, nint Dx, bool WantDx,
        nint Partials, bool WantDgamma, bool WantDbeta, int Rows, int N, int Blocks, bool Simd) where T : unmanaged;

    private static void BackwardParallel<T>(BackArgs<T> p, int blocks) where T : unmanaged, IFloatingPointIeee754<T> =>
        ParallelRuntime.ForChunks(blocks, b => BackwardBlock(p, b));

    private static void BackwardBlock<T>(BackArgs<T> p, int block) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = p.N;
        T nT = T.CreateTruncating(n);
        bool simd = p.Simd;
        (long r0, long r1) = ParallelRuntime.ChunkRange(0, p.Rows, p.Blocks, block);
        ref T gamma = ref Unsafe.AsRef<T>((T*)p.Gamma);
        ref T dgPart = ref Unsafe.AsRef<T>((T*)p.Partials + (nint)block * 2 * n);
        ref T dbPart = ref Unsafe.Add(ref dgPart, n);
        for (long r = r0; r < r1; r++)
        {
            ref T g = ref Unsafe.AsRef<T>((T*)p.GradY + (nint)r * n);
            ref T x = ref Unsafe.AsRef<T>((T*)p.X + (nint)r * n);
            T m = ((T*)p.Mean)[r], rs = ((T*)p.Rstd)[r];
            if (p.WantDgamma) ElementwiseDriver.TernaryRange(new AccumulateScaleGrad<T>(m, rs), simd, ref dgPart, ref g, ref x, ref dgPart, n);
            if (p.WantDbeta) ElementwiseDriver.BinaryRange(new Add<T>(), simd, ref dbPart, ref g, ref dbPart, n);
            if (!p.WantDx) continue;
            ref T dx = ref Unsafe.AsRef<T>((T*)p.Dx + (nint)r * n);
            // gg = g * gamma is staged in dx (the output row) so no scratch memory is needed.
            ref T gg = ref g;
            if (p.HasGamma)
            {
                ElementwiseDriver.BinaryRange(new Multiply<T>(), simd, ref g, ref gamma, ref dx, n);
                gg = ref dx;
            }
            T a = ReductionCore.RowSum(new Value<T>(), T.Zero, simd, ref gg, n);
            T b = ReductionCore.RowSum2(new CenteredProduct<T>(m), simd, ref gg, ref x, n) * rs;
            ElementwiseDriver.BinaryRange(new LayerNormGradInput<T>(m, rs, a / nT, b / nT), simd, ref gg, ref x, ref dx, n);
        }
    }
}
