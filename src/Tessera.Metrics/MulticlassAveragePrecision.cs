namespace Tessera.Metrics;

/// <summary>
/// One-vs-rest average precision of a multiclass classifier: class c's scores against (target == c), then
/// averaged. Equals scikit-learn's <c>average_precision_score(label_binarize(y, classes=range(C)), scores,
/// average=...)</c>, ties included; a class that never occurs scores 0 there and here. Stores every score.
/// </summary>
public sealed class MulticlassAveragePrecision : IScalarMetric
{
    private readonly MulticlassScores _scores;

    /// <summary>A one-vs-rest average precision over <paramref name="classes"/> classes, reduced by <paramref name="average"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="classes"/> &lt; 2 or <paramref name="average"/> is undefined.</exception>
    public MulticlassAveragePrecision(int classes, Average average = Average.Macro)
    {
        if (!Enum.IsDefined(average)) throw new ArgumentOutOfRangeException(nameof(average), average, $"Unknown average {average}.");
        _scores = new MulticlassScores(classes, nameof(MulticlassAveragePrecision));
        Average = average;
    }

    /// <summary>Number of classes.</summary>
    public int Classes => _scores.Classes;

    /// <summary>The reduction <see cref="Compute"/> applies.</summary>
    public Average Average { get; }

    /// <summary>Examples stored.</summary>
    public int Count => _scores.Count;

    /// <inheritdoc />
    public string Name => "average_precision_" + ClassCounts.Suffix(Average);

    /// <summary>Adds a batch: <paramref name="preds"/> (N, C) class scores, <paramref name="target"/> (N) class ids.</summary>
    public void Update(Tensor preds, Tensor target) => _scores.Update(preds, target);

    /// <summary>Adds a batch of row-major (N, C) scores and (N) class ids.</summary>
    public void Update(ReadOnlySpan<double> scores, ReadOnlySpan<long> target) => _scores.Update(scores, target);

    /// <inheritdoc />
    public void Reset() => _scores.Reset();

    /// <summary>The averaged average precision.</summary>
    /// <exception cref="InvalidOperationException">Before any update, or with <see cref="Average.None"/> (use <see cref="ComputePerClass"/>).</exception>
    public double Compute()
    {
        _scores.CheckNotEmpty();
        switch (Average)
        {
            case Average.Micro:
            {
                var (s, p) = _scores.Raveled();
                return Ranking.AveragePrecision(s, p);
            }
            case Average.Macro:
                return ComputePerClass().Average();
            case Average.Weighted:
            {
                var perClass = ComputePerClass();
                var support = _scores.Support();
                double num = 0, den = 0;
                for (int c = 0; c < Classes; c++)
                {
                    num += support[c] * perClass[c];
                    den += support[c];
                }
                return den == 0 ? 0 : num / den;
            }
            case Average.None:
                throw new InvalidOperationException("MulticlassAveragePrecision with Average.None has one value per class; call ComputePerClass().");
            default:
                throw new InvalidOperationException($"Unknown average {Average}.");
        }
    }

    /// <summary>The average precision of each class against the rest, (classes).</summary>
    public double[] ComputePerClass()
    {
        var result = new double[Classes];
        for (int c = 0; c < Classes; c++)
        {
            var (s, p) = _scores.Column(c);
            result[c] = Ranking.AveragePrecision(s, p);
        }
        return result;
    }

    /// <summary>The one-vs-rest precision-recall curve of each class.</summary>
    public PrCurve[] ComputeCurves()
    {
        var result = new PrCurve[Classes];
        for (int c = 0; c < Classes; c++)
        {
            var (s, p) = _scores.Column(c);
            result[c] = Ranking.PrecisionRecallCurve(s, p);
        }
        return result;
    }
}
