namespace Tessera.Metrics;

/// <summary>
/// Confusion matrix of a classifier: entry [i, j] counts examples of true class i predicted as class j
/// (scikit-learn's <c>confusion_matrix(y, y_pred, labels=range(classes))</c>).
/// </summary>
public sealed class ConfusionMatrix : IMetric
{
    private readonly long[,] _counts;

    /// <summary>An empty matrix over <paramref name="classes"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="classes"/> &lt; 1.</exception>
    public ConfusionMatrix(int classes)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, $"ConfusionMatrix needs at least 1 class, got {classes}.");
        Classes = classes;
        _counts = new long[classes, classes];
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Examples counted.</summary>
    public long Total { get; private set; }

    /// <inheritdoc />
    public string Name => "confusion_matrix";

    /// <summary>Adds a batch: <paramref name="preds"/> (N, C) scores (argmax) or (N) class ids, <paramref name="target"/> (N) class ids.</summary>
    public void Update(Tensor preds, Tensor target)
    {
        var (p, t) = MetricInput.Classes(preds, target, Classes, nameof(ConfusionMatrix));
        Update(p, t);
    }

    /// <summary>Adds a batch of predicted and true class ids.</summary>
    public void Update(ReadOnlySpan<long> predicted, ReadOnlySpan<long> target)
    {
        const string metric = nameof(ConfusionMatrix);
        MetricInput.CheckSameCount(predicted.Length, target.Length, metric);
        MetricInput.CheckClasses(predicted, Classes, metric, "preds");
        MetricInput.CheckClasses(target, Classes, metric, "target");
        for (int i = 0; i < predicted.Length; i++) _counts[target[i], predicted[i]]++;
        Total += predicted.Length;
    }

    /// <inheritdoc />
    public void Reset()
    {
        Array.Clear(_counts);
        Total = 0;
    }

    /// <summary>A copy of the counts, (classes, classes): [true, predicted].</summary>
    public long[,] Compute() => (long[,])_counts.Clone();

    /// <summary>
    /// The counts divided by their row sums (<see cref="ConfusionNormalization.True"/>), column sums
    /// (<see cref="ConfusionNormalization.Pred"/>) or total (<see cref="ConfusionNormalization.All"/>); an all-zero
    /// row or column stays 0 (as scikit-learn).
    /// </summary>
    public double[,] ComputeNormalized(ConfusionNormalization normalize)
    {
        int c = Classes;
        var result = new double[c, c];
        for (int i = 0; i < c; i++)
        {
            for (int j = 0; j < c; j++)
            {
                double den = normalize switch
                {
                    ConfusionNormalization.None => 1,
                    ConfusionNormalization.True => RowSum(i),
                    ConfusionNormalization.Pred => ColumnSum(j),
                    ConfusionNormalization.All => Total,
                    _ => throw new ArgumentOutOfRangeException(nameof(normalize), normalize, $"Unknown normalization {normalize}."),
                };
                result[i, j] = den == 0 ? 0 : _counts[i, j] / den;
            }
        }
        return result;
    }

    /// <summary>Examples of true class <paramref name="c"/>.</summary>
    public long RowSum(int c)
    {
        long s = 0;
        for (int j = 0; j < Classes; j++) s += _counts[c, j];
        return s;
    }

    /// <summary>Examples predicted as class <paramref name="c"/>.</summary>
    public long ColumnSum(int c)
    {
        long s = 0;
        for (int i = 0; i < Classes; i++) s += _counts[i, c];
        return s;
    }
}
