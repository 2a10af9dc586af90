namespace Tessera.Data.Splits;

/// <summary>A single random split of a dataset's example indices into training and validation parts.</summary>
public static class TrainValidationSplit
{
    /// <summary>
    /// Splits <paramref name="count"/> examples: ⌈<paramref name="validationFraction"/> · count⌉ go to validation
    /// (scikit-learn's <c>train_test_split</c> sizes), the rest to training. With <paramref name="shuffle"/> the
    /// validation examples are drawn by a <see cref="Generator"/> seeded with <paramref name="seed"/>; without it
    /// the last examples are held out. Both index arrays are increasing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When the fraction is not strictly between 0 and 1.</exception>
    /// <exception cref="ArgumentException">When either part would be empty.</exception>
    public static Fold Split(int count, double validationFraction, ulong seed = 0, bool shuffle = true)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, $"validationFraction must be between 0 and 1 (exclusive), got {validationFraction}.");
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be non-negative, got {count}.");
        int nValidation = ValidationCount(count, validationFraction);
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        if (shuffle) SplitUtil.Shuffle<int>(order, new Generator(seed));
        var validation = order[(count - nValidation)..];
        var train = order[..(count - nValidation)];
        Array.Sort(validation);
        Array.Sort(train);
        return new Fold(0, train, validation);
    }

    /// <summary>
    /// A stratified split of examples with class ids <paramref name="labels"/>: ⌈<paramref name="validationFraction"/> · n⌉
    /// examples go to validation, and each class contributes within one example of its exact share (largest
    /// remainders, ties to the class seen first). Which members of a class are held out is drawn by a
    /// <see cref="Generator"/> seeded with <paramref name="seed"/>. Both index arrays are increasing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When the fraction is not strictly between 0 and 1.</exception>
    /// <exception cref="ArgumentException">When either part would be empty.</exception>
    public static Fold Split(ReadOnlySpan<long> labels, double validationFraction, ulong seed = 0)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, $"validationFraction must be between 0 and 1 (exclusive), got {validationFraction}.");
        int n = labels.Length;
        int nValidation = ValidationCount(n, validationFraction);
        var members = new List<List<int>>();
        var classOf = new Dictionary<long, int>();
        for (int i = 0; i < n; i++)
        {
            if (!classOf.TryGetValue(labels[i], out int c))
            {
                classOf[labels[i]] = c = members.Count;
                members.Add([]);
            }
            members[c].Add(i);
        }
        // Each class gets the floor of its exact share; the examples left over go to the largest remainders.
        int classes = members.Count;
        var take = new int[classes];
        var remainder = new double[classes];
        int given = 0;
        for (int c = 0; c < classes; c++)
        {
            double exact = (double)nValidation * members[c].Count / n;
            take[c] = (int)Math.Floor(exact);
            remainder[c] = exact - take[c];
            given += take[c];
        }
        foreach (int c in Enumerable.Range(0, classes).OrderByDescending(c => remainder[c]).ThenBy(c => c).Take(nValidation - given)) take[c]++;

        var g = new Generator(seed);
        var isValidation = new bool[n];
        for (int c = 0; c < classes; c++)
        {
            var m = members[c].ToArray();
            SplitUtil.Shuffle<int>(m, g);
            for (int j = 0; j < take[c]; j++) isValidation[m[j]] = true;
        }
        var train = new int[n - nValidation];
        var validation = new int[nValidation];
        int t = 0, v = 0;
        for (int i = 0; i < n; i++)
        {
            if (isValidation[i]) validation[v++] = i;
            else train[t++] = i;
        }
        return new Fold(0, train, validation);
    }

    private static int ValidationCount(int count, double validationFraction)
    {
        int nValidation = (int)Math.Ceiling(validationFraction * count);
        if (nValidation < 1 || nValidation >= count)
            throw new ArgumentException($"A validation fraction of {validationFraction} of {count} examples leaves {nValidation} for validation and {count - nValidation} for training; both need at least one.", nameof(validationFraction));
        return nValidation;
    }
}
