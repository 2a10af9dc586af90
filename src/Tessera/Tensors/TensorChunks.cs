namespace Tessera;

/// <summary>
/// Consecutive spans over a contiguous tensor of any size (see <see cref="Tensor.Chunks{T}"/>); a <c>foreach</c> target.
/// </summary>
/// <remarks>
/// Each span is made from the storage's pointer in <see cref="MoveNext"/>, which also keeps the tensor (and so its
/// memory) reachable for the whole loop and throws if the storage was released.
/// </remarks>
internal unsafe ref struct TensorChunks<T> where T : unmanaged
{
    private readonly Tensor _tensor;
    private readonly int _maxChunk;
    private long _next;
    private Span<T> _current;

    internal TensorChunks(Tensor tensor, int maxChunk)
    {
        _tensor = tensor;
        _maxChunk = maxChunk;
    }

    /// <summary>Row-major index of the first element of <see cref="Current"/>.</summary>
    public long Start { get; private set; }

    public readonly Span<T> Current => _current;

    public readonly TensorChunks<T> GetEnumerator() => this;

    public bool MoveNext()
    {
        long remaining = _tensor.Numel - _next;
        if (remaining <= 0) return false;
        int n = (int)Math.Min(remaining, _maxChunk);
        _current = _tensor.Storage.Slice<T>(_tensor.Offset + _next, n);
        Start = _next;
        _next += n;
        return true;
    }
}
