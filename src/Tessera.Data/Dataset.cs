namespace Tessera.Data;

/// <summary>A finite, indexable collection of examples of type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The example type; <see cref="Sample"/> for supervised data.</typeparam>
public abstract class Dataset<T>
{
    /// <summary>Number of examples.</summary>
    public abstract int Count { get; }

    /// <summary>Example <paramref name="index"/>, 0 &lt;= index &lt; <see cref="Count"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the index is out of range.</exception>
    public abstract T Get(int index);

    /// <summary>Example <paramref name="index"/>; same as <see cref="Get"/>.</summary>
    public T this[int index] => Get(index);

    /// <summary>Throws a uniform out-of-range error for <paramref name="index"/>.</summary>
    protected void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Index {index} is out of range for a dataset of {Count} examples.");
    }
}
