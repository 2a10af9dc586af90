namespace Tessera.Metrics;

/// <summary>
/// One-vs-rest ROC AUC of a multiclass classifier: class c's scores against (target == c), then averaged.
/// With softmax probabilities it equals scikit-learn's <c>roc_auc_score(y, probs, multi_class="ovr",
/// average=...)</c>, ties included. Stores every score.
/// </summary>
/// <remarks>
/// scikit-learn refuses inputs where a class never occurs as a target; here such a class (AUC undefined) gets
/// NaN in <see cref="ComputePerClass"/> and is left out of the macro and weighted averages. scikit-learn also
/// requires rows summing to 1; any scores are accepted here (pass probabilities to match it).
/// </remarks>
public sealed class MulticlassAuroc : IScalarMetric
{
    private readonly MulticlassScores _scores;

    /// <summary>A one-vs-rest AUC over <paramref name="classes"/> classes, reduced by <paramref name="average"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="classes"/> &lt; 2 or <paramref name="average"/> is undefined.</exception>
    public MulticlassAuroc(int classes, Average average = Average.Macro)
    {
        if (!Enum.IsDefined(average)) throw new ArgumentOutOfRangeException(nameof(average), average, $"Unknown average {average}.");
        _scores = new MulticlassScores(classes, nameof(MulticlassAuroc));
        Average = average;
    }

    /// <summary>Number of classes.</summary>
    public int Classes => _scores.Classes;

    /// <summary>The reduction <see cref="Compute"/> applies.</summary>
    public Average Average { get; }

    /// <summary>Examples stored.</summary>
    public int Count => _scores.Count;

    /// <inheritdoc />
    public string Name => "roc_auc_" + ClassCounts.Suffix(Average);

    /// <summary>Adds a batch: <paramref name="preds"/> (N, C) class probabilities (or other scores), <paramref name="target"/> (N) class ids.</summary>
    public void Update(Tensor preds, Tensor target) => _scores.Update(preds, target);

    /// <summary>Adds a batch of row-major (N, C) scores and (N) class ids.</summary>
    public void Update(ReadOnlySpan<double> scores, ReadOnlySpan<long> target) => _scores.Update(scores, target);

    /// <inheritdoc />
    public void Reset() => _scores.Reset();

    /// <summary>The averaged AUC (NaN when no class has both positives and negatives).</summary>
    /// <exception cref="InvalidOperationException">Before any update, or with <see cref="Average.None"/> (use <see cref="ComputePerClass"/>).</exception>
    public double Compute()
    {
        _scores.CheckNotEmpty();
        switch (Average)
        {
            case Average.Micro:
            {
                var (s, p) = _scores.Raveled();
                return Ranking.RocAuc(s, p);
            }
            case Average.Macro:
            case Average.Weighted:
            {
                var perClass = ComputePerClass();
                var support = _scores.Support();
                double num = 0, den = 0;
                for (int c = 0; c < Classes; c++)
                {
                    if (double.IsNaN(perClass[c])) continue;
                    double w = Average == Average.Macro ? 1 : support[c];
                    num += w * perClass[c];
                    den += w;
                }
                return den == 0 ? double.NaN : num / den;
            }
            case Average.None:
                throw new InvalidOperationException("MulticlassAuroc with Average.None has one value per class; call ComputePerClass().");
            default:
                throw new InvalidOperationException($"Unknown average {Average}.");
        }
    }

    /// <summary>The AUC of each class against the rest, (classes); NaN for a class that is never or always the target.</summary>
    public double[] ComputePerClass()
    {
        var result = new double[Classes];
        for (int c = 0; c < Classes; c++)
        {
            var (s, p) = _scores.Column(c);
            result[c] = Ranking.RocAuc(s, p);
        }
        return result;
    }

    /// <summary>The one-vs-rest ROC curve of each class.</summary>
    public RocCurve[] ComputeCurves()
    {
        var result = new RocCurve[Classes];
        for (int c = 0; c < Classes; c++)
        {
            var (s, p) = _scores.Column(c);
            result[c] = Ranking.RocCurve(s, p);
        }
        return result;
    }
}
