namespace Tessera.Data.Splits;

/// <summary>
/// Stratified k-fold cross-validation: every fold gets each class in (nearly) the same proportion as the whole
/// dataset — the count of class c in a fold is ⌊n_c / k⌋ or ⌈n_c / k⌉ — and fold sizes differ by at most one.
/// Without shuffling the folds equal scikit-learn's <c>StratifiedKFold(n_splits)</c> (within a class, examples go
/// to folds in blocks, in dataset order); with shuffling each class's fold assignment is permuted by a
/// <see cref="Generator"/> seeded with <see cref="Seed"/>.
/// </summary>
public sealed class StratifiedKFold : ICrossValidator
{
    /// <summary>A stratified k-fold splitter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="nSplits"/> &lt; 2.</exception>
    public StratifiedKFold(int nSplits, bool shuffle = false, ulong seed = 0)
    {
        SplitUtil.CheckSplits(nSplits, nameof(StratifiedKFold));
        NSplits = nSplits;
        Shuffle = shuffle;
        Seed = seed;
    }

    /// <inheritdoc />
    public int NSplits { get; }

    /// <summary>Whether each class's fold assignment is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Seed of the shuffle.</summary>
    public ulong Seed { get; }

    /// <summary>The folds of examples with class ids <paramref name="labels"/> (any values; classes are ordered by first appearance).</summary>
    /// <exception cref="ArgumentException">When there are fewer examples than folds, or every class has fewer examples than folds.</exception>
    public IReadOnlyList<Fold> Split(ReadOnlySpan<long> labels)
    {
        int n = labels.Length;
        if (n < NSplits)
            throw new ArgumentException($"StratifiedKFold cannot make {NSplits} folds of {n} examples; need at least one example per fold.", nameof(labels));
        // Classes numbered by first appearance, as scikit-learn does.
        var classOf = new Dictionary<long, int>();
        var encoded = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (!classOf.TryGetValue(labels[i], out int c)) classOf[labels[i]] = c = classOf.Count;
            encoded[i] = c;
        }
        int classes = classOf.Count;
        var counts = new int[classes];
        foreach (int c in encoded) counts[c]++;
        if (counts.All(c => c < NSplits))
            throw new ArgumentException($"StratifiedKFold cannot make {NSplits} folds: every class has fewer than {NSplits} examples (largest: {counts.Max()}).", nameof(labels));

        // Deal the examples, sorted by class, round robin to the folds: fold k gets sorted positions k, k + K, ...
        // allocation[k, c] is then the number of class c examples in fold k.
        var allocation = new int[NSplits, classes];
        int pos = 0;
        for (int c = 0; c < classes; c++)
            for (int j = 0; j < counts[c]; j++, pos++) allocation[pos % NSplits, c]++;

        var g = Shuffle ? new Generator(Seed) : null;
        var foldOf = new int[n];
        var members = new int[classes][];
        var filled = new int[classes];
        for (int c = 0; c < classes; c++) members[c] = new int[counts[c]];
        for (int i = 0; i < n; i++) members[encoded[i]][filled[encoded[i]]++] = i;
        for (int c = 0; c < classes; c++)
        {
            var foldsForClass = new int[counts[c]];
            int p = 0;
            for (int k = 0; k < NSplits; k++)
                for (int r = 0; r < allocation[k, c]; r++) foldsForClass[p++] = k;
            if (g is not null) SplitUtil.Shuffle<int>(foldsForClass, g);
            for (int j = 0; j < counts[c]; j++) foldOf[members[c][j]] = foldsForClass[j];
        }
        return SplitUtil.FromAssignment(foldOf, NSplits);
    }
}
