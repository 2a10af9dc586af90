namespace Tessera.Metrics;

/// <summary>
/// Average precision of a binary classifier, and its precision-recall curve. Equal to scikit-learn's
/// <c>average_precision_score</c> and <c>precision_recall_curve</c> (default arguments), ties included. Stores every score.
/// </summary>
public sealed class BinaryAveragePrecision : IScalarMetric
{
    private readonly BinaryScores _scores = new(nameof(BinaryAveragePrecision));

    /// <inheritdoc />
    public string Name => "average_precision";

    /// <summary>Examples stored.</summary>
    public int Count => _scores.Count;

    /// <summary>Adds a batch: <paramref name="preds"/> (N) scores of the positive class, <paramref name="target"/> (N) labels 0 or 1.</summary>
    public void Update(Tensor preds, Tensor target) => _scores.Update(preds, target);

    /// <summary>Adds a batch of scores and 0/1 labels.</summary>
    public void Update(ReadOnlySpan<double> scores, ReadOnlySpan<long> target) => _scores.Update(scores, target);

    /// <inheritdoc />
    public void Reset() => _scores.Reset();

    /// <summary>Σ (R[n] − R[n+1]) P[n] over the precision-recall curve.</summary>
    /// <exception cref="InvalidOperationException">Before any update.</exception>
    public double Compute() => ComputeCurve().AveragePrecision();

    /// <summary>The precision-recall curve.</summary>
    /// <exception cref="InvalidOperationException">Before any update.</exception>
    public PrCurve ComputeCurve()
    {
        var (s, p) = _scores.Snapshot();
        return Ranking.PrecisionRecallCurve(s, p);
    }
}
