namespace Tessera.Metrics;

/// <summary>
/// Area under the ROC curve of a binary classifier, and the curve itself. Equal to scikit-learn's
/// <c>roc_auc_score</c> and <c>roc_curve</c> (default arguments), ties included. Stores every score.
/// </summary>
public sealed class BinaryAuroc : IScalarMetric
{
    private readonly BinaryScores _scores = new(nameof(BinaryAuroc));

    /// <inheritdoc />
    public string Name => "roc_auc";

    /// <summary>Examples stored.</summary>
    public int Count => _scores.Count;

    /// <summary>Adds a batch: <paramref name="preds"/> (N) scores of the positive class (probabilities or logits; higher = more positive),
    /// <paramref name="target"/> (N) labels 0 or 1.</summary>
    public void Update(Tensor preds, Tensor target) => _scores.Update(preds, target);

    /// <summary>Adds a batch of scores and 0/1 labels.</summary>
    public void Update(ReadOnlySpan<double> scores, ReadOnlySpan<long> target) => _scores.Update(scores, target);

    /// <inheritdoc />
    public void Reset() => _scores.Reset();

    /// <summary>The area under the ROC curve; NaN when only one class was seen (undefined; scikit-learn raises).</summary>
    /// <exception cref="InvalidOperationException">Before any update.</exception>
    public double Compute()
    {
        var (s, p) = _scores.Snapshot();
        return Ranking.RocAuc(s, p);
    }

    /// <summary>The ROC curve.</summary>
    /// <exception cref="InvalidOperationException">Before any update.</exception>
    public RocCurve ComputeCurve()
    {
        var (s, p) = _scores.Snapshot();
        return Ranking.RocCurve(s, p);
    }
}
