namespace Tessera;

public partial class Tensor
{
    /// <summary>
    /// The elements of this contiguous tensor as a writable span in row-major order (length <see cref="Numel"/>), for
    /// optimizers, datasets and kernels written outside Tessera. Writes bypass autograd, as PyTorch's <c>.data</c>.
    /// <typeparamref name="T"/> must be the dtype's element type: float (float32), double (float64), long (int64),
    /// int (int32), short (int16), sbyte (int8), byte (uint8, or bool), bool (bool), <see cref="Half"/> (float16),
    /// <see cref="BFloat16"/> (bfloat16).
    /// </summary>
    /// <exception cref="InvalidOperationException">When <typeparamref name="T"/> is not this tensor's element type,
    /// or the tensor is not contiguous (call <see cref="Contiguous"/> first).</exception>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        CheckSpanAccess<T>(nameof(AsSpan));
        CheckWritable(nameof(AsSpan));
        return Span<T>();
    }

    /// <summary>The elements of this contiguous tensor as a read-only span; same rules as <see cref="AsSpan{T}"/>.</summary>
    /// <exception cref="InvalidOperationException">When <typeparamref name="T"/> is not this tensor's element type,
    /// or the tensor is not contiguous (call <see cref="Contiguous"/> first).</exception>
    public ReadOnlySpan<T> AsReadOnlySpan<T>() where T : unmanaged
    {
        CheckSpanAccess<T>(nameof(AsReadOnlySpan));
        return Span<T>();
    }

    /// <summary>
    /// The elements of this contiguous tensor as raw bytes in row-major order (length <see cref="Numel"/> times the
    /// element size), whatever the dtype: for copying rows or serialising without knowing the element type.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the tensor is not contiguous (call <see cref="Contiguous"/> first).</exception>
    public Span<byte> AsBytes()
    {
        if (!IsContiguous)
            throw new InvalidOperationException($"AsBytes: the tensor (shape {ShapeUtil.Format(Shape)}) is not contiguous; call Contiguous() first.");
        int size = DType.ElementSize();
        long byteCount = Numel * size;
        if (byteCount > int.MaxValue)
            throw new InvalidOperationException($"AsBytes: the tensor (shape {ShapeUtil.Format(Shape)}) has {byteCount} bytes, more than a Span can hold; use chunked access.");
        return Storage.Slice<byte>(Offset * size, (int)byteCount);
    }

    private void CheckSpanAccess<T>(string api) where T : unmanaged
    {
        if (!MatchesElementType<T>(DType))
            throw new InvalidOperationException($"{api}<{typeof(T).Name}>: the tensor has dtype {DType.Name()}, whose elements are not {typeof(T).Name}.");
        if (!IsContiguous)
            throw new InvalidOperationException($"{api}<{typeof(T).Name}>: the tensor (shape {ShapeUtil.Format(Shape)}) is not contiguous; call Contiguous() first.");
    }

    // DTypeInfo.Matches throws for CLR types with no dtype (ushort, decimal...); here they are simply a mismatch.
    private static bool MatchesElementType<T>(DType dtype) where T : unmanaged
    {
        try { return DTypeInfo.Matches<T>(dtype); }
        catch (NotSupportedException) { return false; }
    }
}
