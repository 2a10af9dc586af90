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
        int nValidation = (int)Math.Ceiling(validationFraction * count);
        if (nValidation < 1 || nValidation >= count)
            throw new ArgumentException($"A validation fraction of {validationFraction} of {count} examples leaves {nValidation} for validation and {count - nValidation} for training; both need at least one.", nameof(validationFraction));
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        if (shuffle) SplitUtil.Shuffle<int>(order, new Generator(seed));
        var validation = order[(count - nValidation)..];
        var train = order[..(count - nValidation)];
        Array.Sort(validation);
        Array.Sort(train);
        return new Fold(0, train, validation);
    }
}
