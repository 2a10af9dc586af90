namespace Tessera.Data.Splits;

/// <summary>Shared pieces of the splitters.</summary>
internal static class SplitUtil
{
    public static void CheckSplits(int nSplits, string who)
    {
        if (nSplits < 2) throw new ArgumentOutOfRangeException(nameof(nSplits), nSplits, $"{who} needs at least 2 splits, got {nSplits}.");
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher-Yates), drawing from <paramref name="g"/>.</summary>
    public static void Shuffle<T>(Span<T> values, Generator g)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = (int)g.NextInt64(0, i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>Folds from each example's fold number: fold k validates on the examples assigned to it and trains on the rest.</summary>
    public static Fold[] FromAssignment(ReadOnlySpan<int> foldOf, int nSplits)
    {
        var sizes = new int[nSplits];
        foreach (int f in foldOf) sizes[f]++;
        var folds = new Fold[nSplits];
        for (int k = 0; k < nSplits; k++)
        {
            var train = new int[foldOf.Length - sizes[k]];
            var validation = new int[sizes[k]];
            int t = 0, v = 0;
            for (int i = 0; i < foldOf.Length; i++)
            {
                if (foldOf[i] == k) validation[v++] = i;
                else train[t++] = i;
            }
            folds[k] = new Fold(k, train, validation);
        }
        return folds;
    }
}
