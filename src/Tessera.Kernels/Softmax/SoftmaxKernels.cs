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
public static unsafe class SoftmaxKernels
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
