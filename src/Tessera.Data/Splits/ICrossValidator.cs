namespace Tessera.Data.Splits;

/// <summary>Splits a dataset into folds for cross-validation: each example is in exactly one fold's validation part.</summary>
public interface ICrossValidator
{
    /// <summary>Number of folds.</summary>
    int NSplits { get; }

    /// <summary>The folds of a dataset whose examples have the class ids <paramref name="labels"/> (one per example;
    /// a splitter that ignores classes only uses their count).</summary>
    IReadOnlyList<Fold> Split(ReadOnlySpan<long> labels);
}
