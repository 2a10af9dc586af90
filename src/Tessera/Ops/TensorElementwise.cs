using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tessera.Kernels.Elementwise;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Threading;

namespace Tessera.Ops;

/// <summary>
/// Elementwise operators over whole tensors: strides, broadcasting and dtype dispatch. Layouts are
/// reduced to rows of the innermost (merged) dimension and every row is handed to the span kernels in
/// Tessera.Kernels (<see cref="ElementwiseDriver"/> and friends), which own all the vector loops.
/// </summary>
/// <remarks>
/// An operator is named by its operator struct, once per element type it can run on (the dtype is
/// only known at run time): <c>Binary&lt;Add&lt;float&gt;, Add&lt;double&gt;&gt;(a, b, dt)</c>.
/// </remarks>
internal static class TensorElementwise
{
    /// <summary>Elements per parallel chunk when rows are farmed out here rather than inside a kernel.</summary>
    public const int Grain = 1 << 14;

    /// <summary>y = a op b with broadcasting, computed in <paramref name="dtype"/> (Float32 or Float64).</summary>
    public static Tensor Binary<TF, TD>(Tensor a, Tensor b, DType dtype)
        where TF : struct, IBinaryOperator<float> where TD : struct, IBinaryOperator<double>
    {
        if (dtype.IsReducedPrecision()) return InFloat32(dtype, a, b, static (a32, b32) => Binary<TF, TD>(a32, b32!, DType.Float32));
        int[] shape = ShapeUtil.BroadcastShapes(a.Shape, b.Shape);
        if (a.DType != dtype) a = a.To(dtype);
        if (b.DType != dtype) b = b.To(dtype);
        var y = Tensor.Empty(dtype, shape);
        if (y.Numel == 0) return y;
        switch (dtype)
        {
            case DType.Float32: Binary<TF, float>(a, b, y); break;
            case DType.Float64: Binary<TD, double>(a, b, y); break;
            default: throw DTypeDispatch.Unsupported("elementwise op", dtype);
        }
        return y;
    }

    /// <summary>
    /// float16/bfloat16 arithmetic: widen the operands to float32 (exact), compute, round the result once to
    /// <paramref name="dtype"/>, as PyTorch's CPU kernels do. The float32 temporaries go straight back to the pool.
    /// </summary>
    private static Tensor InFloat32(DType dtype, Tensor a, Tensor? b, Func<Tensor, Tensor?, Tensor> op)
    {
        Tensor a32 = a.To(DType.Float32), b32 = b?.To(DType.Float32)!;
        Tensor y32 = op(a32, b32);
        Tensor y = y32.To(dtype);
        if (!ReferenceEquals(a32, a)) a32.Storage.Release();
        if (b is not null && !ReferenceEquals(b32, b)) b32.Storage.Release();
        y32.Storage.Release();
        return y;
    }

    private static unsafe void Binary<TOp, T>(Tensor a, Tensor b, Tensor y)
        where TOp : struct, IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] shape = y.ShapeRef;
        var layout = new StridedLayout(shape,
            ShapeUtil.BroadcastStrides(a.Shape, a.Strides, shape),
            ShapeUtil.BroadcastStrides(b.Shape, b.Strides, shape),
            y.StridesRef);
        layout.CheckRowReach("elementwise op");
        T* pa = Ptr<T>(a), pb = Ptr<T>(b), py = Ptr<T>(y);
        int inner = layout.InnerSize, sa = layout.InnerStrideInt(0), sb = layout.InnerStrideInt(1);
        int rows = layout.Rows;
        if (rows == 1 && (sa | sb) is 0 or 1)
            BinaryRow<TOp, T>(pa, sa, pb, sb, py, inner);   // one dense span: the kernel splits it over threads itself
        else if (rows == 1)
            ParallelRuntime.For(0, inner, Grain, (s, e) => BinaryRow<TOp, T>(pa + s * sa, sa, pb + s * sb, sb, py + s, (int)(e - s)));
        else if (layout.Rank != 2 || !Broadcast2DKernel<TOp, T>(layout, pa, pb, py))
            ParallelRuntime.For(0, rows, Math.Max(1, Grain / inner), (r0, r1) =>
            {
                for (int r = (int)r0; r < r1; r++)
                    BinaryRow<TOp, T>(pa + layout.RowOffset(0, r), sa, pb + layout.RowOffset(1, r), sb, py + layout.RowOffset(2, r), inner);
            });
        // Pointers were taken from pinned arrays; keep their owners alive until the kernels finish.
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(y);
    }

    /// <summary>
    /// A dense (rows, cols) matrix with a row vector (cols) or column vector (rows) broadcast onto it,
    /// either side: runs the dedicated kernel, which walks each row without per-row span plumbing
    /// (1024×1024 + row: ~59 → ~48 µs on 2 threads). False when the layout is anything else.
    /// </summary>
    private static unsafe bool Broadcast2DKernel<TOp, T>(in StridedLayout layout, T* pa, T* pb, T* py)
        where TOp : struct, IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = layout.Shape[0], cols = layout.Shape[1];
        long[] sa = layout.Strides[0], sb = layout.Strides[1], sy = layout.Strides[2];
        if (sy[0] != cols || sy[1] != 1) return false;
        int n = rows * cols;
        bool aDense = sa[0] == cols && sa[1] == 1, bDense = sb[0] == cols && sb[1] == 1;
        var y = new Span<T>(py, n);
        if (aDense && sb[0] == 0 && sb[1] == 1)
            Broadcast2D.WithRow(default(TOp), new ReadOnlySpan<T>(pa, n), rows, cols, new ReadOnlySpan<T>(pb, cols), y);
        else if (bDense && sa[0] == 0 && sa[1] == 1)
            Broadcast2D.WithRow(default(TOp), new ReadOnlySpan<T>(pb, n), rows, cols, new ReadOnlySpan<T>(pa, cols), y, rowOnLeft: true);
        else if (aDense && sb[0] == 1 && sb[1] == 0)
            Broadcast2D.WithColumn(default(TOp), new ReadOnlySpan<T>(pa, n), rows, cols, new ReadOnlySpan<T>(pb, rows), y);
        else if (bDense && sa[0] == 1 && sa[1] == 0)
            Broadcast2D.WithColumn(default(TOp), new ReadOnlySpan<T>(pb, n), rows, cols, new ReadOnlySpan<T>(pa, rows), y, columnOnLeft: true);
        else return false;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void BinaryRow<TOp, T>(T* a, int sa, T* b, int sb, T* y, int n)
        where TOp : struct, IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ys = new Span<T>(y, n);
        if (sa == 1 && sb == 1) ElementwiseDriver.Binary(default(TOp), new ReadOnlySpan<T>(a, n), new ReadOnlySpan<T>(b, n), ys);
        else if (sa == 1 && sb == 0) Arithmetic.Binary(default(TOp), new ReadOnlySpan<T>(a, n), *b, ys);
        else if (sa == 0 && sb == 1) Arithmetic.Binary(default(TOp), *a, new ReadOnlySpan<T>(b, n), ys);
        else ElementwiseDriver.BinaryStrided(default(TOp), ref *a, sa, ref *b, sb, ref *y, n);
    }

    /// <summary>y = f(x) elementwise (any strides; integer inputs are computed as Float32).</summary>
    public static unsafe Tensor Unary<TF, TD>(Tensor x)
        where TF : struct, IUnaryOperator<float> where TD : struct, IUnaryOperator<double>
    {
        if (!x.DType.IsFloatingPoint()) x = x.To(DType.Float32);
        if (x.DType.IsReducedPrecision()) return InFloat32(x.DType, x, null, static (x32, _) => Unary<TF, TD>(x32));
        x = x.Contiguous();
        var y = x.EmptyLike();
        if (y.Numel == 0) return y;
        // The span kernels split long inputs over ParallelRuntime themselves.
        switch (x.DType)
        {
            case DType.Float32:
                ElementwiseDriver.Unary(default(TF), new ReadOnlySpan<float>(Ptr<float>(x), x.SpanLength), new Span<float>(Ptr<float>(y), y.SpanLength));
                break;
            case DType.Float64:
                ElementwiseDriver.Unary(default(TD), new ReadOnlySpan<double>(Ptr<double>(x), x.SpanLength), new Span<double>(Ptr<double>(y), y.SpanLength));
                break;
            default: throw DTypeDispatch.Unsupported("elementwise op", x.DType);
        }
        GC.KeepAlive(x);
        GC.KeepAlive(y);
        return y;
    }

    /// <summary>Bool tensor of a op b with broadcasting; operands are promoted to a common dtype. IEEE: only != is true for NaN.</summary>
    public static Tensor Compare(Tensor a, Tensor b, CompareOp op)
    {
        DType dt = DTypeInfo.Promote(a.DType, b.DType);
        // Narrow types compare exactly in a wider one the vector kernels have.
        if (dt.IsReducedPrecision()) dt = DType.Float32;
        else if (dt is DType.Int16 or DType.Int8 or DType.UInt8) dt = DType.Int32;
        if (a.DType != dt) a = a.To(dt);
        if (b.DType != dt) b = b.To(dt);
        int[] shape = ShapeUtil.BroadcastShapes(a.Shape, b.Shape);
        var y = Tensor.Empty(DType.Bool, shape);
        if (y.Numel == 0) return y;
        switch (dt)
        {
            case DType.Float32: Compare<float>(a, b, y, op); break;
            case DType.Float64: Compare<double>(a, b, y, op); break;
            case DType.Int64: Compare<long>(a, b, y, op); break;
            case DType.Int32: Compare<int>(a, b, y, op); break;
            case DType.Bool: Compare<byte>(a, b, y, op); break;
            default: throw DTypeDispatch.Unsupported("comparison", dt);
        }
        return y;
    }

    private static unsafe void Compare<T>(Tensor a, Tensor b, Tensor y, CompareOp op) where T : unmanaged, INumber<T>
    {
        int[] shape = y.ShapeRef;
        var layout = new StridedLayout(shape,
            ShapeUtil.BroadcastStrides(a.Shape, a.Strides, shape),
            ShapeUtil.BroadcastStrides(b.Shape, b.Strides, shape),
            y.StridesRef);
        layout.CheckRowReach("comparison");
        T* pa = Ptr<T>(a), pb = Ptr<T>(b);
        byte* py = Ptr<byte>(y);
        int inner = layout.InnerSize, sa = layout.InnerStrideInt(0), sb = layout.InnerStrideInt(1);
        if (layout.Rows == 1 && (sa | sb) is 0 or 1)
            CompareRow(op, pa, sa, pb, sb, py, inner);   // one dense span: the kernel splits it over threads itself
        else
            ParallelRuntime.For(0, layout.Rows, Math.Max(1, Grain / inner), (r0, r1) =>
            {
                for (int r = (int)r0; r < r1; r++)
                    CompareRow(op, pa + layout.RowOffset(0, r), sa, pb + layout.RowOffset(1, r), sb, py + layout.RowOffset(2, r), inner);
            });
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(y);
    }

    private static unsafe void CompareRow<T>(CompareOp op, T* a, int sa, T* b, int sb, byte* y, int n) where T : unmanaged, INumber<T>
    {
        var ys = new Span<byte>(y, n);
        if (sa == 1 && sb == 1) Comparisons.Compare(op, new ReadOnlySpan<T>(a, n), new ReadOnlySpan<T>(b, n), ys);
        else if (sa == 1 && sb == 0) Comparisons.Compare(op, new ReadOnlySpan<T>(a, n), *b, ys);
        else if (sa == 0 && sb == 1) Comparisons.Compare(op, *a, new ReadOnlySpan<T>(b, n), ys);
        else Comparisons.CompareStrided(op, ref *a, sa, ref *b, sb, ref *y, n);
    }

    /// <summary>Pointer to the first element of <paramref name="t"/>'s view (storage is pinned for its lifetime).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe T* Ptr<T>(Tensor t) where T : unmanaged
        => (T*)t.Storage.Pointer + t.Offset;
}
