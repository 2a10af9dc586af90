using Tessera.Kernels.Threading;

namespace Tessera;

public partial class Tensor
{
    /// <summary>
    /// Elements per chunk for ops that walk tensors too large for one span: 2^24 keeps a chunk's float32 temporary at
    /// 64 MB and the per-chunk overhead invisible.
    /// </summary>
    internal const int ChunkElements = 1 << 24;

    /// <summary>
    /// The contiguous elements as consecutive spans of at most <paramref name="maxChunk"/> elements, for ops on tensors
    /// of any size (<see cref="Span{T}"/> stops at 2^31 - 1 elements). <c>foreach (Span&lt;float&gt; c in t.Chunks&lt;float&gt;())</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">When <typeparamref name="T"/> is not the element type or the tensor is not contiguous.</exception>
    internal TensorChunks<T> Chunks<T>(int maxChunk = ChunkElements) where T : unmanaged
    {
        CheckType<T>();
        if (!IsContiguous) throw new InvalidOperationException("Chunks() needs a contiguous tensor; call Contiguous() first.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunk);
        return new TensorChunks<T>(this, maxChunk);
    }

    /// <summary>
    /// A 1-D view of <paramref name="count"/> elements of this contiguous tensor from row-major element
    /// <paramref name="start"/>: how span-based ops process a huge tensor one chunk at a time (no autograd).
    /// </summary>
    internal Tensor FlatView(long start, int count)
    {
        if (!IsContiguous) throw new InvalidOperationException("FlatView() needs a contiguous tensor.");
        if (start < 0 || count < 0 || start > Numel - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"Elements [{start}, {start}+{count}) are outside a tensor of {Numel} elements.");
        return new Tensor(Storage, DType, [count], [1], Offset + start);
    }

    /// <summary>
    /// Runs <paramref name="body"/>(start, count) over consecutive chunks of [0, <see cref="Numel"/>), in parallel when
    /// there is more than one: for elementwise work on tensors beyond one chunk, where first-touch page faults and memory
    /// bandwidth dominate. Chunk boundaries depend only on the size.
    /// </summary>
    internal void ForEachChunk(Action<long, int> body)
    {
        long numel = Numel;
        int chunks = (int)((numel + ChunkElements - 1) / ChunkElements);
        if (chunks <= 1)
        {
            if (numel > 0) body(0, (int)numel);
            return;
        }
        ParallelRuntime.ForChunks(chunks, c =>
        {
            long start = (long)c * ChunkElements;
            body(start, (int)Math.Min(ChunkElements, numel - start));
        });
    }

    /// <summary>True when span-based code cannot see this tensor in one piece.</summary>
    internal bool IsHuge => Numel > int.MaxValue;
}
