namespace Tessera.Metrics;

/// <summary>
/// Top-k accuracy: the fraction of examples whose true class is among the k highest scores. With k = 1 and
/// (N) class ids it is plain accuracy (scikit-learn's <c>accuracy_score</c>); with scores it equals
/// <c>top_k_accuracy_score</c> when a row has no tied scores.
/// </summary>
/// <remarks>
/// Ties are broken toward the lower class index, as <c>argmax</c> does: the true class t is in the top k when
/// fewer than k classes score higher than t or equal to t with a lower index.
/// </remarks>
public sealed class Accuracy : IScalarMetric
{
    private long _correct;
    private long _total;

    /// <summary>An accuracy metric counting the top <paramref name="topK"/> classes as correct.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="topK"/> &lt; 1.</exception>
    public Accuracy(int topK = 1)
    {
        if (topK < 1) throw new ArgumentOutOfRangeException(nameof(topK), topK, $"Accuracy topK must be at least 1, got {topK}.");
        TopK = topK;
    }

    /// <summary>How many of the highest-scoring classes count as a hit.</summary>
    public int TopK { get; }

    /// <inheritdoc />
    public string Name => TopK == 1 ? "accuracy" : $"top{TopK}_accuracy";

    /// <summary>Examples seen.</summary>
    public long Total => _total;

    /// <summary>Examples counted as correct.</summary>
    public long Correct => _correct;

    /// <summary>Adds a batch: <paramref name="preds"/> (N, C) logits or probabilities, or (N) class ids (top-1 only);
    /// <paramref name="target"/> (N) class ids.</summary>
    public void Update(Tensor preds, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(preds);
        const string metric = nameof(Accuracy);
        if (preds.Rank == 2)
        {
            MetricInput.CheckRank(target, 1, metric, "target", "(N) class ids");
            var t = MetricInput.Labels(target, metric, "target");
            int n = preds.Size(0), c = preds.Size(1);
            MetricInput.CheckSameCount(n, t.Length, metric);
            if (c == 0) throw new ArgumentException($"{metric}: preds has no classes (shape {MetricInput.Format(preds)}).", nameof(preds));
            MetricInput.CheckClasses(t, c, metric, "target");
            Update(MetricInput.FiniteFloats(preds, metric, "preds"), c, t);
            return;
        }
        if (preds.Rank != 1)
            throw new ArgumentException($"{metric}: preds must be (N, C) scores or (N) class ids, got shape {MetricInput.Format(preds)}.", nameof(preds));
        if (TopK != 1)
            throw new ArgumentException($"{metric}: top-{TopK} accuracy needs (N, C) scores, got (N) class ids (shape {MetricInput.Format(preds)}).", nameof(preds));
        var (p, target1) = MetricInput.Classes(preds, target, null, metric);
        Update(p, target1);
    }

    /// <summary>Adds a batch of predicted and true class ids (top-1).</summary>
    public void Update(ReadOnlySpan<long> predicted, ReadOnlySpan<long> target)
    {
        if (TopK != 1) throw new InvalidOperationException($"Accuracy: top-{TopK} accuracy needs scores, not class ids.");
        MetricInput.CheckSameCount(predicted.Length, target.Length, nameof(Accuracy));
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == target[i]) _correct++;
        _total += predicted.Length;
    }

    /// <summary>Adds a batch of row-major (N, <paramref name="classes"/>) scores and (N) true class ids.</summary>
    public void Update(ReadOnlySpan<double> scores, int classes, ReadOnlySpan<long> target)
    {
        if (classes < 1 || scores.Length != (long)target.Length * classes)
            throw new ArgumentException($"Accuracy: {scores.Length} scores do not form {target.Length} rows of {classes} classes.", nameof(scores));
        MetricInput.CheckClasses(target, classes, nameof(Accuracy), "target");
        for (int i = 0; i < target.Length; i++)
        {
            var row = scores.Slice(i * classes, classes);
            int t = (int)target[i];
            double st = row[t];
            int ahead = 0;
            for (int j = 0; j < classes; j++)
                if (row[j] > st || (row[j] == st && j < t)) ahead++;
            if (ahead < TopK) _correct++;
        }
        _total += target.Length;
    }

    /// <inheritdoc />
    public void Reset() => (_correct, _total) = (0, 0);

    /// <summary>Correct over total.</summary>
    /// <exception cref="InvalidOperationException">Before any update.</exception>
    public double Compute()
    {
        if (_total == 0) throw new InvalidOperationException("Accuracy: Compute() before any example was added with Update().");
        return (double)_correct / _total;
    }
}
