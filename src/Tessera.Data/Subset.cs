namespace Tessera.Data;

/// <summary>
/// The examples of another dataset at given indices, in that order (PyTorch's <c>Subset</c>): a cross-validation
/// fold or a validation split without copying data. Batches of a subset of an <see cref="IBatchSource"/> are
/// gathered by the underlying dataset directly.
/// </summary>
/// <typeparam name="T">The example type.</typeparam>
public sealed class Subset<T> : Dataset<T>, IBatchSource
{
    private readonly int[] _indices;

    /// <summary>The examples of <paramref name="dataset"/> at <paramref name="indices"/> (copied; repeats allowed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When an index is outside the dataset.</exception>
    public Subset(Dataset<T> dataset, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)dataset.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"Subset index {i} is {indices[i]}, outside a dataset of {dataset.Count} examples.");
        Dataset = dataset;
        _indices = indices.ToArray();
    }

    /// <summary>The underlying dataset.</summary>
    public Dataset<T> Dataset { get; }

    /// <summary>The indices into <see cref="Dataset"/>.</summary>
    public ReadOnlySpan<int> Indices => _indices;

    /// <inheritdoc />
    public override int Count => _indices.Length;

    /// <inheritdoc />
    public override T Get(int index)
    {
        CheckIndex(index);
        return Dataset.Get(_indices[index]);
    }

    /// <summary>The examples at <paramref name="indices"/> of this subset, stacked (for datasets of <see cref="Sample"/>).</summary>
    /// <exception cref="NotSupportedException">When the examples are not <see cref="Sample"/>s.</exception>
    public Batch GetBatch(ReadOnlySpan<int> indices)
    {
        var mapped = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            CheckIndex(indices[i]);
            mapped[i] = _indices[indices[i]];
        }
        if (Dataset is IBatchSource source) return source.GetBatch(mapped);
        if (Dataset is not Dataset<Sample> samples)
            throw new NotSupportedException($"Subset<{typeof(T).Name}> cannot make batches: its examples are not Samples.");
        var list = new Sample[mapped.Length];
        for (int i = 0; i < mapped.Length; i++) list[i] = samples.Get(mapped[i]);
        return Collate.Stack(list);
    }
}
