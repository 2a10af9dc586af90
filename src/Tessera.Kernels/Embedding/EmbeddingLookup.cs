using System.Numerics;
using System.Numerics.Tensors;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Embedding;

/// <summary>
/// Embedding lookup over a contiguous (V, D) table: output row i = table row indices[i].
/// The backward pass scatter-adds rows of dL/dOutput into a (V, D) gradient in index order,
/// so the result does not depend on the thread count.
/// </summary>
internal static class EmbeddingLookup
{
    /// <summary>output (count, D) = weight (V, D) rows picked by <paramref name="indices"/> (count). The output is overwritten.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When an index is outside [0, V).</exception>
    /// <exception cref="ArgumentException">When a span length does not match.</exception>
    public static void Forward(ReadOnlySpan<float> weight, int vocabSize, int dim, ReadOnlySpan<long> indices, Span<float> output)
        => ForwardCore(weight, vocabSize, dim, indices, output);

    /// <summary>Double-precision <see cref="Forward(ReadOnlySpan{float}, int, int, ReadOnlySpan{long}, Span{float})"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When an index is outside [0, V).</exception>
    /// <exception cref="ArgumentException">When a span length does not match.</exception>
    public static void Forward(ReadOnlySpan<double> weight, int vocabSize, int dim, ReadOnlySpan<long> indices, Span<double> output)
        => ForwardCore(weight, vocabSize, dim, indices, output);

    /// <summary>
    /// gradWeight (V, D) = zeros, then gradOutput row i added to row indices[i], in increasing i. Rows equal to
    /// <paramref name="paddingIndex"/> (negative counts from the end, as PyTorch) receive no gradient. gradWeight is overwritten.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When an index or the padding index is outside the vocabulary.</exception>
    /// <exception cref="ArgumentException">When a span length does not match.</exception>
    public static void Backward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<long> indices, int vocabSize, int dim,
        Span<float> gradWeight, long? paddingIndex = null)
        => BackwardCore(gradOutput, indices, vocabSize, dim, gradWeight, paddingIndex);

    /// <summary>Double-precision <see cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{long}, int, int, Span{float}, long?)"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When an index or the padding index is outside the vocabulary.</exception>
    /// <exception cref="ArgumentException">When a span length does not match.</exception>
    public static void Backward(ReadOnlySpan<double> gradOutput, ReadOnlySpan<long> indices, int vocabSize, int dim,
        Span<double> gradWeight, long? paddingIndex = null)
        => BackwardCore(gradOutput, indices, vocabSize, dim, gradWeight, paddingIndex);

    /// <summary><see cref="Forward(ReadOnlySpan{float}, int, int, ReadOnlySpan{long}, Span{float})"/> for a float or double element type chosen by the caller's dispatch.</summary>
    public static void Forward<T>(ReadOnlySpan<T> weight, int vocabSize, int dim, ReadOnlySpan<long> indices, Span<T> output) where T : unmanaged, IFloatingPointIeee754<T>
        => ForwardCore(weight, vocabSize, dim, indices, output);

    /// <summary><see cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{long}, int, int, Span{float}, long?)"/> for a float or double element type.</summary>
    public static void Backward<T>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<long> indices, int vocabSize, int dim, Span<T> gradWeight, long? paddingIndex) where T : unmanaged, IFloatingPointIeee754<T>
        => BackwardCore(gradOutput, indices, vocabSize, dim, gradWeight, paddingIndex);

    private static void Check(int vocabSize, int dim, int tableLength, ReadOnlySpan<long> indices, int rowsLength, string rowsName)
    {
        if (vocabSize <= 0) throw new ArgumentException($"Embedding: vocabulary size {vocabSize} must be positive", nameof(vocabSize));
        if (dim <= 0) throw new ArgumentException($"Embedding: dimension {dim} must be positive", nameof(dim));
        if ((long)vocabSize * dim != tableLength)
            throw new ArgumentException($"Embedding: table has {tableLength} elements, expected {vocabSize}x{dim}");
        if ((long)indices.Length * dim != rowsLength)
            throw new ArgumentException($"Embedding: {rowsName} has {rowsLength} elements, expected {indices.Length}x{dim}", rowsName);
        for (int i = 0; i < indices.Length; i++)
        {
            long v = indices[i];
            if ((ulong)v >= (ulong)vocabSize)
                throw new ArgumentOutOfRangeException(nameof(indices), v,
                    $"Embedding: index {v} at position {i} out of range for vocabulary size {vocabSize}");
        }
    }

    private static unsafe void ForwardCore<T>(ReadOnlySpan<T> weight, int vocabSize, int dim, ReadOnlySpan<long> indices, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(vocabSize, dim, weight.Length, indices, output.Length, "output");
        fixed (T* pw = weight, py = output)
        fixed (long* pi = indices)
        {
            nint w = (nint)pw, y = (nint)py, ix = (nint)pi;
            ParallelRuntime.For(0, indices.Length, Math.Max(1, 16384 / dim), (s, e) =>
            {
                for (long i = s; i < e; i++)
                {
                    long row = ((long*)ix)[i];
                    new ReadOnlySpan<T>((T*)w + row * dim, dim).CopyTo(new Span<T>((T*)y + i * dim, dim));
                }
            });
        }
    }

    private static unsafe void BackwardCore<T>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<long> indices, int vocabSize, int dim,
        Span<T> gradWeight, long? paddingIndex)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(vocabSize, dim, gradWeight.Length, indices, gradOutput.Length, "gradOutput");
        long pad = -1;
        if (paddingIndex is long p)
        {
            if (p < -vocabSize || p >= vocabSize)
                throw new ArgumentOutOfRangeException(nameof(paddingIndex), p,
                    $"Embedding: padding index {p} out of range for vocabulary size {vocabSize}");
            pad = p < 0 ? p + vocabSize : p;
        }

        fixed (T* pdy = gradOutput, pdw = gradWeight)
        fixed (long* pi = indices)
        {
            nint dy = (nint)pdy, dw = (nint)pdw, ix = (nint)pi;
            int count = indices.Length;
            // Every chunk walks all indices in order and owns a disjoint slice of the gradient, so each element
            // sees the same additions in the same order whatever the chunking. Wide rows split by column,
            // narrow ones by vocabulary row.
            if (dim >= 128)
            {
                ParallelRuntime.For(0, dim, 64, (c0, c1) =>
                {
                    int width = (int)(c1 - c0);
                    for (int v = 0; v < vocabSize; v++) new Span<T>((T*)dw + (long)v * dim + c0, width).Clear();
                    for (int i = 0; i < count; i++)
                    {
                        long row = ((long*)ix)[i];
                        if (row == pad) continue;
                        var dst = new Span<T>((T*)dw + row * dim + c0, width);
                        TensorPrimitives.Add(dst, new ReadOnlySpan<T>((T*)dy + (long)i * dim + c0, width), dst);
                    }
                });
            }
            else
            {
                ParallelRuntime.For(0, vocabSize, Math.Max(1, 4096 / dim), (v0, v1) =>
                {
                    new Span<T>((T*)dw + v0 * dim, (int)((v1 - v0) * dim)).Clear();
                    for (int i = 0; i < count; i++)
                    {
                        long row = ((long*)ix)[i];
                        if (row < v0 || row >= v1 || row == pad) continue;
                        var dst = new Span<T>((T*)dw + row * dim, dim);
                        TensorPrimitives.Add(dst, new ReadOnlySpan<T>((T*)dy + (long)i * dim, dim), dst);
                    }
                });
            }
        }
    }
}
