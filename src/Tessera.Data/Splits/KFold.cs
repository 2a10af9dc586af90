namespace Tessera.Data.Splits;

/// <summary>
/// K-fold cross-validation: the examples (in order, or shuffled) are cut into <see cref="NSplits"/> consecutive
/// folds whose sizes differ by at most one (the first n mod k folds are one larger). Without shuffling the folds
/// equal scikit-learn's <c>KFold(n_splits)</c>; with shuffling the order comes from a <see cref="Generator"/>
/// seeded with <see cref="Seed"/>, so the same seed gives the same folds.
/// </summary>
public sealed class KFold : ICrossValidator
{
    /// <summary>A k-fold splitter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="nSplits"/> &lt; 2.</exception>
    public KFold(int nSplits, bool shuffle = false, ulong seed = 0)
    {
        SplitUtil.CheckSplits(nSplits, nameof(KFold));
        NSplits = nSplits;
        Shuffle = shuffle;
        Seed = seed;
    }

    /// <inheritdoc />
    public int NSplits { get; }

    /// <summary>Whether examples are shuffled before being cut into folds.</summary>
    public bool Shuffle { get; }

    /// <summary>Seed of the shuffle.</summary>
    public ulong Seed { get; }

    /// <summary>The folds of <paramref name="count"/> examples.</summary>
    /// <exception cref="ArgumentException">When there are fewer examples than folds.</exception>
    public IReadOnlyList<Fold> Split(int count)
    {
        if (count < NSplits)
            throw new ArgumentException($"KFold cannot make {NSplits} folds of {count} examples; need at least one example per fold.", nameof(count));
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        if (Shuffle) SplitUtil.Shuffle<int>(order, new Generator(Seed));
        var foldOf = new int[count];
        int start = 0;
        for (int k = 0; k < NSplits; k++)
        {
            int size = count / NSplits + (k < count % NSplits ? 1 : 0);
            for (int i = start; i < start + size; i++) foldOf[order[i]] = k;
            start += size;
        }
        return SplitUtil.FromAssignment(foldOf, NSplits);
    }

    /// <inheritdoc />
    public IReadOnlyList<Fold> Split(ReadOnlySpan<long> labels) => Split(labels.Length);
}
