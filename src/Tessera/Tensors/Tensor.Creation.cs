
namespace Tessera;

public partial class Tensor
{
    /// <summary>
    /// An uninitialised tensor (PyTorch's <c>empty</c>): its elements are whatever the memory held, so write every one
    /// before reading. For buffers a caller fills completely, e.g. through <see cref="AsSpan{T}"/>.
    /// </summary>
    public static Tensor Empty(int[] shape, DType dtype = DType.Float32) => Empty(dtype, shape);

    /// <summary>A tensor of zeros. <c>Tensor.Zeros([2, 3])</c>.</summary>
    public static Tensor Zeros(int[] shape, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        var t = Empty(dtype, shape);
        if (t.Numel <= ChunkElements) t.Storage.Clear();
        else ClearChunked(t);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(int[] shape, DType dtype = DType.Float32, bool requiresGrad = false) => Full(shape, 1.0, dtype, requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/> (converted to <paramref name="dtype"/>).</summary>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        var t = Empty(dtype, shape);
        t.FillRaw(value);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>Zeros with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => Zeros(like._shape, like.DType);

    /// <summary>Ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => Ones(like._shape, like.DType);

    /// <summary>A 0-d tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full([], value, dtype);

    /// <summary>Values start, start+step, ... below end (PyTorch's <c>arange</c>).</summary>
    /// <exception cref="ArgumentException">When step is 0 or has the wrong sign.</exception>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64)
    {
        if (step == 0 || double.IsNaN(step)) throw new ArgumentException($"arange step must be non-zero, got {step}.");
        if ((end - start) / step < 0) throw new ArgumentException($"arange range [{start}, {end}) is inconsistent with step {step}.");
        int n = (int)Math.Ceiling((end - start) / step);
        var t = Empty(dtype, n);
        for (int i = 0; i < n; i++) t.SetFlat(i, start + i * step);
        return t;
    }

    /// <summary>Values 0, 1, ..., end-1.</summary>
    public static Tensor Arange(int end, DType dtype = DType.Int64) => Arange(0, end, 1, dtype);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "linspace steps must be non-negative.");
        var t = Empty(dtype, steps);
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // PyTorch fills the second half from the end so that the last value is exactly `end`.
        int half = steps / 2;
        for (int i = 0; i < steps; i++) t.SetFlat(i, i < half ? start + step * i : end - step * (steps - 1 - i));
        return t;
    }

    /// <summary>Identity matrix (n, m); m defaults to n.</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        var t = Zeros([n, cols], dtype);
        for (int i = 0; i < Math.Min(n, cols); i++) t.SetFlat(i * cols + i, 1);
        return t;
    }

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(int[] shape, Generator? generator = null, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        if (dtype.IsReducedPrecision()) return WithGrad(Rand(shape, generator, DType.Float32).To(dtype), requiresGrad);
        var g = generator ?? Generator.Default;
        var t = Empty(dtype, shape);
        if (dtype == DType.Float32) { var s = t.Span<float>(); for (int i = 0; i < s.Length; i++) s[i] = g.NextFloat(); }
        else if (dtype == DType.Float64) { var s = t.Span<double>(); for (int i = 0; i < s.Length; i++) s[i] = g.NextDouble(); }
        else throw new ArgumentException($"rand needs a floating dtype, got {dtype.Name()}.");
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>Standard normal samples.</summary>
    public static Tensor Randn(int[] shape, Generator? generator = null, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        if (dtype.IsReducedPrecision()) return WithGrad(Randn(shape, generator, DType.Float32).To(dtype), requiresGrad);
        var g = generator ?? Generator.Default;
        var t = Empty(dtype, shape);
        if (dtype == DType.Float32) { var s = t.Span<float>(); for (int i = 0; i < s.Length; i++) s[i] = (float)g.NextNormal(); }
        else if (dtype == DType.Float64) { var s = t.Span<double>(); for (int i = 0; i < s.Length; i++) s[i] = g.NextNormal(); }
        else throw new ArgumentException($"randn needs a floating dtype, got {dtype.Name()}.");
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>Uniform integers in [low, high).</summary>
    public static Tensor Randint(long low, long high, int[] shape, Generator? generator = null, DType dtype = DType.Int64)
    {
        var g = generator ?? Generator.Default;
        if (high <= low) throw new ArgumentException($"randint needs low < high, got low={low}, high={high}.");
        var t = Empty(dtype, shape);
        for (long i = 0; i < t.Numel; i++) t.SetFlat(i, g.NextInt64(low, high));
        return t;
    }

    /// <summary>A tensor copied from <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static Tensor FromArray(float[] data, int[]? shape = null, bool requiresGrad = false) => FromSpan<float>(data, shape, requiresGrad);

    /// <summary>A tensor copied from <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static Tensor FromArray(double[] data, int[]? shape = null, bool requiresGrad = false) => FromSpan<double>(data, shape, requiresGrad);

    /// <summary>A tensor copied from <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static Tensor FromArray(long[] data, int[]? shape = null) => FromSpan<long>(data, shape, false);

    /// <summary>A tensor copied from <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static Tensor FromArray(int[] data, int[]? shape = null) => FromSpan<int>(data, shape, false);

    /// <summary>A Bool tensor copied from <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static Tensor FromArray(bool[] data, int[]? shape = null)
    {
        var t = Empty(DType.Bool, shape ?? [data.Length]);
        CheckLength(data.Length, t);
        var s = t.Span<byte>();
        for (int i = 0; i < data.Length; i++) s[i] = data[i] ? (byte)1 : (byte)0;
        return t;
    }

    /// <summary>A 2-D tensor from a rectangular array.</summary>
    public static Tensor FromArray(float[,] data, bool requiresGrad = false)
    {
        var flat = new float[data.Length];
        Buffer.BlockCopy(data, 0, flat, 0, data.Length * sizeof(float));
        return FromArray(flat, [data.GetLength(0), data.GetLength(1)], requiresGrad);
    }

    /// <summary>A tensor copied from a span of a supported element type.</summary>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, int[]? shape = null, bool requiresGrad = false) where T : unmanaged
    {
        var t = Empty(DTypeInfo.Of<T>(), shape ?? [data.Length]);
        CheckLength(data.Length, t);
        data.CopyTo(t.Span<T>());
        t.RequiresGrad = requiresGrad;
        return t;
    }

    private static void CheckLength(int length, Tensor t)
    {
        if (length != t.Numel)
            throw new ArgumentException($"Data has {length} elements but shape {ShapeUtil.Format(t.Shape)} needs {t.Numel}.");
    }

    /// <summary>Fills a fresh contiguous tensor with a converted value (no autograd).</summary>
    private void FillRaw(double value)
    {
        if (Numel == 0) return;
        SetFlat(0, value);
        DTypeDispatch.Raw(DType, new FillOp(this), "fill");
    }

    // Fills the rest of a contiguous tensor with its first element.
    private readonly struct FillOp(Tensor t) : IRawOp
    {
        public void Run<T>() where T : unmanaged
        {
            T first = t.Storage.Slice<T>(t.Offset, 1)[0];
            // T is the raw element (ushort for bfloat16), so no Chunks<T>() type check.
            if (t.Numel <= ChunkElements) t.Storage.Slice<T>(t.Offset, (int)t.Numel).Fill(first);
            else FillChunked(t, first);
        }

        // Separate so the closure is only allocated for tensors beyond one chunk.
        private static void FillChunked<T>(Tensor t, T value) where T : unmanaged =>
            t.ForEachChunk((start, n) => t.Storage.Slice<T>(t.Offset + start, n).Fill(value));
    }

    // Separate so the closure is only allocated for tensors beyond one chunk.
    private static void ClearChunked(Tensor t)
    {
        int size = t.DType.ElementSize();
        t.ForEachChunk((start, n) => t.Storage.Clear((t.Offset + start) * size, (long)n * size));
    }

    /// <summary>Writes element <paramref name="i"/> (row-major index) of a contiguous tensor.</summary>
    private void SetFlat(long i, double value) => ScalarIO.Write(DType, ElementBytes(i), 0, value);

    private void SetFlat(long i, long value) => ScalarIO.Write(DType, ElementBytes(i), 0, value);

    private Span<byte> ElementBytes(long i)
    {
        int size = DType.ElementSize();
        return Storage.Slice<byte>((Offset + i) * size, size);
    }

    private static Tensor WithGrad(Tensor t, bool requiresGrad)
    {
        t.RequiresGrad = requiresGrad;
        return t;
    }
}
