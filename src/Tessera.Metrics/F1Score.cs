namespace Tessera.Metrics;

/// <summary>
/// F1 score: the harmonic mean 2PR / (P + R) of each class's precision and recall, reduced by an <see cref="Average"/>. Equals scikit-learn's <c>f1_score(y, y_pred,
/// labels=range(classes), average=..., zero_division=0)</c>: a class never predicted (or never present) scores 0.
/// </summary>
public sealed class F1Score : IScalarMetric
{
    private readonly ClassCounts _counts;

    /// <summary>A f1 metric over <paramref name="classes"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="classes"/> &lt; 1 or <paramref name="average"/> is undefined.</exception>
    public F1Score(int classes, Average average = Average.Macro)
    {
        if (!Enum.IsDefined(average)) throw new ArgumentOutOfRangeException(nameof(average), average, $"Unknown average {average}.");
        _counts = new ClassCounts(classes, "F1Score");
        Average = average;
    }

    /// <summary>Number of classes.</summary>
    public int Classes => _counts.Classes;

    /// <summary>The reduction <see cref="Compute"/> applies.</summary>
    public Average Average { get; }

    /// <inheritdoc />
    public string Name => "f1_" + ClassCounts.Suffix(Average);

    /// <summary>Adds a batch: <paramref name="preds"/> (N, C) scores (argmax) or (N) class ids, <paramref name="target"/> (N) class ids.</summary>
    public void Update(Tensor preds, Tensor target) => _counts.Update(preds, target);

    /// <summary>Adds a batch of predicted and true class ids.</summary>
    public void Update(ReadOnlySpan<long> predicted, ReadOnlySpan<long> target) => _counts.Add(predicted, target);

    /// <inheritdoc />
    public void Reset() => _counts.Reset();

    /// <summary>The score reduced by <see cref="Average"/>.</summary>
    /// <exception cref="InvalidOperationException">Before any update, or with <see cref="Average.None"/> (use <see cref="ComputePerClass"/>).</exception>
    public double Compute() => _counts.Reduce(Average, ClassCounts.F1);

    /// <summary>One score per class, (classes).</summary>
    public double[] ComputePerClass()
    {
        _counts.CheckNotEmpty();
        return _counts.PerClass(ClassCounts.F1);
    }
}
