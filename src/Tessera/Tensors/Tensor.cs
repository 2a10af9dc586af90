using System.Runtime.CompilerServices;

namespace Tessera;

/// <summary>
/// An n-dimensional array: a <see cref="DType"/>, a shape, strides and an offset over shared,
/// 64-byte-aligned storage. Views (reshape, transpose, slice, expand) share storage with their base.
/// Tensors that <see cref="RequiresGrad"/> record the ops applied to them so that
/// <see cref="Backward(Tensor?, bool)"/> can compute gradients.
/// </summary>
public partial class Tensor : IDisposable
{
    private readonly int[] _shape;
    private readonly long[] _strides;

    internal Storage Storage { get; }

    /// <summary>Element offset of this view's first element inside its storage.</summary>
    internal long Offset { get; }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Sizes of each dimension.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Element step of each dimension inside storage (0 for broadcast dimensions); 64-bit, like <see cref="Numel"/>.</summary>
    public ReadOnlySpan<long> Strides => _strides;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements (64-bit: a tensor may hold more than 2^31).</summary>
    public long Numel { get; }

    /// <summary>True when elements are laid out densely in row-major order from <see cref="Offset"/>.</summary>
    public bool IsContiguous { get; }

    internal Tensor(Storage storage, DType dtype, int[] shape, long[] strides, long offset)
    {
        Storage = storage;
        DType = dtype;
        _shape = shape;
        _strides = strides;
        Offset = offset;
        Numel = ShapeUtil.Numel(shape);
        IsContiguous = ShapeUtil.IsContiguous(shape, strides);
    }

    /// <summary>A new tensor that owns <paramref name="storage"/> (disposing it frees the storage), contiguous from offset 0.</summary>
    internal static Tensor Owning(Storage storage, DType dtype, int[] shape)
    {
        TensorScope.Track(storage);
        return new Tensor(storage, dtype, shape, ShapeUtil.ContiguousStrides(shape), 0) { _ownsStorage = true };
    }

    // True only for the tensor that created its storage; views, detached copies and parameters wrapping it are not owners.
    private bool _ownsStorage;

    /// <summary>
    /// A new tensor object viewing the same storage, shape and strides as <paramref name="data"/>, with no
    /// history; for subclasses such as nn parameters.
    /// </summary>
    protected Tensor(Tensor data)
        : this((data ?? throw new ArgumentNullException(nameof(data))).Storage, data.DType, data._shape, data._strides, data.Offset)
    {
    }

    /// <summary>A new, uninitialised, contiguous tensor.</summary>
    internal static Tensor Empty(DType dtype, params int[] shape)
    {
        int size = dtype.ElementSize();
        ShapeUtil.Validate(shape, size);
        return Owning(Storage.Allocate(ShapeUtil.Numel(shape) * size), dtype, shape.AsSpan().ToArray());
    }

    /// <summary>A new, uninitialised tensor with the same shape and dtype (never a view).</summary>
    internal Tensor EmptyLike(DType? dtype = null) => Empty(dtype ?? DType, _shape);

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => _shape[ShapeUtil.NormalizeDim(dim, Rank)];

    /// <summary>Copy of the shape as an array.</summary>
    public int[] ShapeArray() => _shape.AsSpan().ToArray();

    internal int[] ShapeRef => _shape;
    internal long[] StridesRef => _strides;

    /// <summary>
    /// The contiguous elements of this tensor. Only valid for contiguous tensors of element type
    /// <typeparamref name="T"/>; use <see cref="Contiguous"/> first otherwise.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the tensor has more than <see cref="int.MaxValue"/> elements
    /// (use <see cref="Chunks{T}"/>).</exception>
    internal Span<T> Span<T>() where T : unmanaged
    {
        CheckType<T>();
        if (!IsContiguous) throw new InvalidOperationException("Span() needs a contiguous tensor; call Contiguous() first.");
        return Storage.Slice<T>(Offset, SpanLength);
    }

    /// <summary>The contiguous elements reinterpreted as <typeparamref name="T"/> of the same size (dtype-agnostic copies).</summary>
    internal Span<T> RawSpan<T>() where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != DType.ElementSize()) throw new InvalidOperationException($"RawSpan<{typeof(T).Name}> on a {DType.Name()} tensor.");
        if (!IsContiguous) throw new InvalidOperationException("RawSpan() needs a contiguous tensor.");
        return Storage.Slice<T>(Offset, SpanLength);
    }

    /// <summary>
    /// <see cref="Offset"/> as an index into <see cref="StorageSpan{T}"/> or <c>Storage.AsSpan</c>: whole-storage spans
    /// exist only for storages of at most 2^31 - 1 bytes, where every offset fits an int.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the storage is too large for one span.</exception>
    internal int SpanOffset
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (Storage.ByteLength > int.MaxValue) Storage.ThrowTooLargeForSpan();
            return (int)Offset;
        }
    }

    /// <summary>
    /// The storage from this view's first element to its end (at most 2^31 - 1 elements), typed: for strided kernels such
    /// as GEMM that index a view by its strides. Works on storages of any size, e.g. a view into a 2 GB embedding.
    /// </summary>
    internal Span<T> StorageFrom<T>() where T : unmanaged
    {
        CheckType<T>();
        long remaining = Storage.ByteLength / Unsafe.SizeOf<T>() - Offset;
        return Storage.Slice<T>(Offset, (int)Math.Min(remaining, int.MaxValue));
    }

    /// <summary><see cref="Numel"/> as a span length.</summary>
    /// <exception cref="InvalidOperationException">When the tensor has more elements than a span can hold.</exception>
    internal int SpanLength
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            long n = Numel;
            if (n > int.MaxValue) ThrowTooLargeForSpan();
            return (int)n;
        }
    }

    private void ThrowTooLargeForSpan() =>
        throw new InvalidOperationException($"The tensor (shape {ShapeUtil.Format(Shape)}, {DType.Name()}) has {Numel} elements, more than a Span can hold; use chunked access.");

    /// <summary>The whole storage, typed; index it with <see cref="Offset"/> and <see cref="Strides"/>.</summary>
    internal Span<T> StorageSpan<T>() where T : unmanaged
    {
        CheckType<T>();
        return Storage.AsSpan<T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckType<T>() where T : unmanaged
    {
        if (!DTypeInfo.Matches<T>(DType))
            throw new InvalidOperationException($"Tensor has dtype {DType.Name()}, not {typeof(T).Name}.");
    }

    /// <summary>
    /// Frees this tensor's memory now instead of waiting for the GC, if this tensor owns it (created it: the result of
    /// an op, a factory or a load). The owner and every view sharing its storage become unusable (using them throws
    /// <see cref="ObjectDisposedException"/>). On a view (reshape, slice, transpose, <see cref="Detach"/>, a parameter
    /// wrapping a tensor) Dispose does nothing: the view just detaches, and the storage lives on for its owner.
    /// Use it for large tensors whose lifetime is obvious, such as a data batch after its training step.
    /// </summary>
    public void Dispose()
    {
        if (_ownsStorage) Storage.Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Where this tensor's memory lives (<see cref="Device.Cpu"/> today).</summary>
    public Device Device => Storage.Device;

    /// <summary>
    /// True for tensors over a read-only memory-mapped file (see <see cref="IO.SafeTensors.Load(string, bool)"/>): in-place
    /// ops and optimizer steps on them throw; <see cref="Clone"/> makes a writable copy.
    /// </summary>
    public bool IsReadOnly => Storage.IsReadOnly;

    /// <summary>Throws when this tensor's memory cannot be written; every path that writes into an existing tensor calls it first.</summary>
    /// <exception cref="InvalidOperationException">For a read-only mapped tensor, naming the file.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CheckWritable(string op)
    {
        if (Storage.IsReadOnly) ThrowReadOnly(op);
    }

    private void ThrowReadOnly(string op) =>
        throw new InvalidOperationException($"{op}: tensor is a read-only view of the mapped file '{Storage.Origin}'; Clone() it to write.");

    /// <summary>True when both tensors view the same storage.</summary>
    internal bool SharesStorageWith(Tensor other) => ReferenceEquals(Storage, other.Storage);
}
