using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Reduce;
using Tessera.Kernels.Threading;
using static Tessera.Kernels.Operators.ArithmeticOperators;
using static Tessera.Kernels.Operators.ReductionOperators;
using static Tessera.Kernels.Operators.SoftmaxOperators;

namespace Tessera.Kernels.Softmax;

/// <summary>
/// Softmax and log-softmax over the rows of a contiguous (rows, cols) matrix, forward and backward.
/// Rows run in parallel; each row's sums use the deterministic cascade of <see cref="ReductionCore"/>.
/// Outputs may be the same memory as the input.
/// </summary>
/// <remarks>
/// A row whose max is +inf or which is entirely -inf produces NaN, as PyTorch does.
/// </remarks>
internal static unsafe class SoftmaxKernels
{
    /// <summary>y[r, :] = e^(x - max) / Σ e^(x - max).</summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, int rows, int cols, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(Kind.Softmax, x, default, rows, cols, y);

    /// <summary>y[r, :] = (x - max) - log Σ e^(x - max).</summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> x, int rows, int cols, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(Kind.LogSoftmax, x, default, rows, cols, y);

    /// <summary>dx[r, :] = y * (g - Σ g y), from the saved softmax output y.</summary>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, int rows, int cols, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(Kind.SoftmaxBackward, g, y, rows, cols, dx);

    /// <summary>dx[r, :] = g - e^y * Σ g, from the saved log-softmax output y.</summary>
    public static void LogSoftmaxBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, int rows, int cols, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(Kind.LogSoftmaxBackward, g, y, rows, cols, dx);

    /// <summary>
    /// Softmax along the middle axis of a contiguous (outer, size, inner) view (any single dim of a
    /// contiguous tensor). inner == 1 is the row kernel; otherwise the max, the exponentials, their
    /// sums and the scaling run as column passes.
    /// </summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, int outer, int size, int inner, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1) { Softmax(x, outer, size, y); return; }
        AxisReductions.CheckShape(x.Length, outer, size, inner, (int)((long)outer * inner), "outer*inner");
        ElementwiseDriver.CheckLength(x.Length, y.Length, nameof(y));
        if (x.IsEmpty) return;
        int m = outer * inner;
        T[] buffer = System.Buffers.ArrayPool<T>.Shared.Rent(m);
        try
        {
            Span<T> stat = buffer.AsSpan(0, m);
            AxisReductions.Max(x, outer, size, inner, stat);
            AxisRows(AxisKind.ExpShift, x, default, stat, outer, size, inner, y);      // y = e^(x - max)
            AxisReductions.Sum<T>(y, outer, size, inner, stat);
            for (int k = 0; k < m; k++) stat[k] = T.One / stat[k];
            AxisRows(AxisKind.Scale, y, default, stat, outer, size, inner, y);         // y *= 1 / Σ
        }
        finally { System.Buffers.ArrayPool<T>.Shared.Return(buffer); }
    }

    /// <summary>Log-softmax along the middle axis of a contiguous (outer, size, inner) view: y = x - logsumexp.</summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> x, int outer, int size, int inner, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1) { LogSoftmax(x, outer, size, y); return; }
        AxisReductions.CheckShape(x.Length, outer, size, inner, (int)((long)outer * inner), "outer*inner");
        ElementwiseDriver.CheckLength(x.Length, y.Length, nameof(y));
        if (x.IsEmpty) return;
        int m = outer * inner;
        T[] buffer = System.Buffers.ArrayPool<T>.Shared.Rent(m);
        try
        {
            Span<T> lse = buffer.AsSpan(0, m);
            AxisReductions.LogSumExp(x, outer, size, inner, lse);
            AxisRows(AxisKind.Subtract, x, default, lse, outer, size, inner, y);
        }
        finally { System.Buffers.ArrayPool<T>.Shared.Return(buffer); }
    }

    /// <summary>Softmax backward along the middle axis: dx = y * (g - Σ_axis g y).</summary>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, int outer, int size, int inner, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1) { SoftmaxBackward(g, y, outer, size, dx); return; }
        AxisReductions.CheckShape(g.Length, outer, size, inner, (int)((long)outer * inner), "outer*inner");
        ElementwiseDriver.CheckLength(g.Length, y.Length, nameof(y));
        ElementwiseDriver.CheckLength(g.Length, dx.Length, nameof(dx));
        if (g.IsEmpty) return;
        int m = outer * inner;
        T[] buffer = System.Buffers.ArrayPool<T>.Shared.Rent(m);
        T[] product = System.Buffers.ArrayPool<T>.Shared.Rent(g.Length);
        try
        {
            Span<T> dot = buffer.AsSpan(0, m), gy = product.AsSpan(0, g.Length);
            Tessera.Kernels.Elementwise.Arithmetic.Multiply(g, y, gy);
            AxisReductions.Sum<T>(gy, outer, size, inner, dot);
            AxisRows(AxisKind.SoftmaxGrad, g, y, dot, outer, size, inner, dx);
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(buffer);
            System.Buffers.ArrayPool<T>.Shared.Return(product);
        }
    }

    /// <summary>Log-softmax backward along the middle axis: dx = g - e^y * Σ_axis g.</summary>
    public static void LogSoftmaxBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, int outer, int size, int inner, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1) { LogSoftmaxBackward(g, y, outer, size, dx); return; }
        AxisReductions.CheckShape(g.Length, outer, size, inner, (int)((long)outer * inner), "outer*inner");
        ElementwiseDriver.CheckLength(g.Length, y.Length, nameof(y));
        ElementwiseDriver.CheckLength(g.Length, dx.Length, nameof(dx));
        if (g.IsEmpty) return;
        int m = outer * inner;
        T[] buffer = System.Buffers.ArrayPool<T>.Shared.Rent(m);
        try
        {
            Span<T> sum = buffer.AsSpan(0, m);
            AxisReductions.Sum(g, outer, size, inner, sum);
            AxisRows(AxisKind.LogSoftmaxGrad, g, y, sum, outer, size, inner, dx);
        }
        finally { System.Buffers.ArrayPool<T>.Shared.Return(buffer); }
    }

    private enum AxisKind { ExpShift, Scale, Subtract, SoftmaxGrad, LogSoftmaxGrad }

    // For every (o, r): dst[o, r, :] = f(a[o, r, :], b[o, r, :], stat[o, :]) over the inner axis.
    private static void AxisRows<T>(AxisKind kind, ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> stat, int outer, int size, int inner, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool simd = !KernelOptions.DisableSimd;
        int rows = outer * size;
        fixed (T* pa = a) fixed (T* pb = b) fixed (T* ps = stat) fixed (T* pd = dst)
        {
            var p = new AxisArgs(kind, (nint)pa, (nint)pb, (nint)ps, (nint)pd, size, inner, simd);
            if (!ElementwiseDriver.ShouldSplit(a.Length) || rows < 2) AxisRowRange<T>(p, 0, rows);
            else AxisRowsParallel<T>(p, rows);
        }
    }

    private static void AxisRowsParallel<T>(AxisArgs p, int rows) where T : unmanaged, IFloatingPointIeee754<T> =>
        ParallelRuntime.For(0, rows, Math.Max(1, ElementwiseDriver.Grain / p.Inner), (r0, r1) => AxisRowRange<T>(p, (int)r0, (int)r1));

    private readonly record struct AxisArgs(AxisKind Kind, nint A, nint B, nint Stat, nint Dst, int Size, int Inner, bool Simd);

    private static void AxisRowRange<T>(AxisArgs p, int r0, int r1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inner = p.Inner;
        for (int row = r0; row < r1; row++)
        {
            nint off = (nint)row * inner;
            ref T a = ref Unsafe.AsRef<T>((T*)p.A + off);
            ref T d = ref Unsafe.AsRef<T>((T*)p.Dst + off);
            ref T s = ref Unsafe.AsRef<T>((T*)p.Stat + (nint)(row / p.Size) * inner);
            switch (p.Kind)
            {
                case AxisKind.ExpShift: ElementwiseDriver.BinaryRange(new ExpDiff<T>(), p.Simd && ExpDiff<T>.Vectorizable, ref a, ref s, ref d, inner); break;
                case AxisKind.Scale: ElementwiseDriver.BinaryRange(new Multiply<T>(), p.Simd, ref a, ref s, ref d, inner); break;
                case AxisKind.Subtract: ElementwiseDriver.BinaryRange(new Subtract<T>(), p.Simd, ref a, ref s, ref d, inner); break;
                case AxisKind.SoftmaxGrad:
                    ElementwiseDriver.TernaryRange(new SoftmaxGradVector<T>(), p.Simd, ref a, ref Unsafe.AsRef<T>((T*)p.B + off), ref s, ref d, inner);
                    break;
                default:
                    ElementwiseDriver.TernaryRange(new LogSoftmaxGradVector<T>(), p.Simd && LogSoftmaxGradVector<T>.Vectorizable, ref a,
                        ref Unsafe.AsRef<T>((T*)p.B + off), ref s, ref d, inner);
                    break;
            }
        }
    }

    private enum Kind { Softmax, LogSoftmax, SoftmaxBackward, LogSoftmaxBackward }

    private static void Run<T>(Kind kind, ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rows, int cols, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), "rows and cols must be non-negative.");
        long total = (long)rows * cols;
        ElementwiseDriver.CheckLength((int)total, a.Length, kind >= Kind.SoftmaxBackward ? "g" : "x");
        if (kind >= Kind.SoftmaxBackward) ElementwiseDriver.CheckLength((int)total, b.Length, "y");
        ElementwiseDriver.CheckLength((int)total, dst.Length, kind >= Kind.SoftmaxBackward ? "dx" : "y");
        if (total == 0) return;
        bool simd = !KernelOptions.DisableSimd;
        if (!ElementwiseDriver.ShouldSplit(total) || rows < 2)
        {
            Rows(kind, simd, ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(dst), cols, 0, rows);
            return;
        }
        RunParallel(kind, simd, a, b, rows, cols, dst);
    }

    private static void RunParallel<T>(Kind kind, bool simd, ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rows, int cols, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pd = dst)
        {
            nint aa = (nint)pa, ab = (nint)pb, ad = (nint)pd;
            long grainRows = Math.Max(1, ElementwiseDriver.Grain / Math.Max(1, cols));
            ParallelRuntime.For(0, rows, grainRows, (r0, r1) =>
                Rows(kind, simd, ref Unsafe.AsRef<T>((T*)aa), ref Unsafe.AsRef<T>((T*)ab), ref Unsafe.AsRef<T>((T*)ad), cols, (int)r0, (int)r1));
        }
    }

    private static void Rows<T>(Kind kind, bool simd, ref T a, ref T b, ref T d, int cols, int r0, int r1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = r0; r < r1; r++)
        {
            nint off = (nint)r * cols;
            ref T ar = ref Unsafe.Add(ref a, off);
            ref T dr = ref Unsafe.Add(ref d, off);
            switch (kind)
            {
                case Kind.Softmax: SoftmaxRow(simd, ref ar, ref dr, cols); break;
                case Kind.LogSoftmax: LogSoftmaxRow(simd, ref ar, ref dr, cols); break;
                case Kind.SoftmaxBackward:
                {
                    ref T yr = ref Unsafe.Add(ref b, off);
                    T dot = ReductionCore.RowDot(simd, ref ar, ref yr, cols);
                    ElementwiseDriver.BinaryRange(new SoftmaxGrad<T>(dot), simd, ref ar, ref yr, ref dr, cols);
                    break;
                }
                default:
                {
                    ref T yr = ref Unsafe.Add(ref b, off);
                    T sum = ReductionCore.RowSum(new Value<T>(), T.Zero, simd, ref ar, cols);
                    ElementwiseDriver.BinaryRange(new LogSoftmaxGrad<T>(sum), simd && LogSoftmaxGrad<T>.Vectorizable, ref ar, ref yr, ref dr, cols);
                    break;
                }
            }
        }
    }

    /// <summary>Softmax of one contiguous row (y may be x).</summary>
    internal static void SoftmaxRow<T>(bool simd, ref T x, ref T y, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = ReductionCore.RowExtremum(true, simd, ref x, n);
        T sum = ReductionCore.ExpShiftStoreSum(m, simd, ref x, ref y, n);
        ElementwiseDriver.UnaryRange(new BindRight<T, Multiply<T>>(default, T.One / sum), simd, ref y, ref y, n);
    }

    /// <summary>Log-softmax of one contiguous row (y may be x); returns log Σ e^(x - max).</summary>
    internal static T LogSoftmaxRow<T>(bool simd, ref T x, ref T y, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = ReductionCore.RowExtremum(true, simd, ref x, n);
        T sum = ReductionCore.RowSum(new ExpDiff<T>(), m, simd && ExpDiff<T>.Vectorizable, ref x, n);
        T lse = T.Log(sum);
        ElementwiseDriver.UnaryRange(new LogSoftmaxOutput<T>(m, lse), simd, ref x, ref y, n);
        return lse;
    }
}
