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
    private readonly int[] _strides;

    internal Storage Storage { get; }

    /// <summary>Element offset of this view's first element inside its storage.</summary>
    internal int Offset { get; }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Sizes of each dimension.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Element step of each dimension inside storage (0 for broadcast dimensions).</summary>
    public ReadOnlySpan<int> Strides => _strides;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements.</summary>
    public int Numel { get; }

    /// <summary>True when elements are laid out densely in row-major order from <see cref="Offset"/>.</summary>
    public bool IsContiguous { get; }

    internal Tensor(Storage storage, DType dtype, int[] shape, int[] strides, int offset)
    {
        Storage = storage;
        DType = dtype;
        _shape = shape;
        _strides = strides;
        Offset = offset;
        Numel = ShapeUtil.Numel(shape);
        IsContiguous = ShapeUtil.IsContiguous(shape, strides);
    }

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
        ShapeUtil.Validate(shape);
        int n = ShapeUtil.Numel(shape);
        var storage = Storage.Allocate((long)n * dtype.ElementSize());
        TensorScope.Track(storage);
        return new Tensor(storage, dtype, (int[])shape.Clone(), ShapeUtil.ContiguousStrides(shape), 0);
    }

    /// <summary>A new, uninitialised tensor with the same shape and dtype (never a view).</summary>
    internal Tensor EmptyLike(DType? dtype = null) => Empty(dtype ?? DType, _shape);

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => _shape[ShapeUtil.NormalizeDim(dim, Rank)];

    /// <summary>Copy of the shape as an array.</summary>
    public int[] ShapeArray() => (int[])_shape.Clone();

    internal int[] ShapeRef => _shape;
    internal int[] StridesRef => _strides;

    /// <summary>
    /// The contiguous elements of this tensor. Only valid for contiguous tensors of element type
    /// <typeparamref name="T"/>; use <see cref="Contiguous"/> first otherwise.
    /// </summary>
    internal Span<T> Span<T>() where T : unmanaged
    {
        CheckType<T>();
        if (!IsContiguous) throw new InvalidOperationException("Span() needs a contiguous tensor; call Contiguous() first.");
        return Storage.AsSpan<T>().Slice(Offset, Numel);
    }

    /// <summary>The contiguous elements reinterpreted as <typeparamref name="T"/> of the same size (dtype-agnostic copies).</summary>
    internal Span<T> RawSpan<T>() where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != DType.ElementSize()) throw new InvalidOperationException($"RawSpan<{typeof(T).Name}> on a {DType.Name()} tensor.");
        if (!IsContiguous) throw new InvalidOperationException("RawSpan() needs a contiguous tensor.");
        return Storage.AsSpan<T>().Slice(Offset, Numel);
    }

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
    /// Returns this tensor's storage to the pool now instead of waiting for the GC. This tensor and every view
    /// sharing its storage become unusable (using them throws <see cref="ObjectDisposedException"/>). Use it for
    /// large tensors whose lifetime is obvious, such as a data batch after its training step.
    /// </summary>
    public void Dispose()
    {
        Storage.Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>True when both tensors view the same storage.</summary>
    internal bool SharesStorageWith(Tensor other) => ReferenceEquals(Storage, other.Storage);
}
