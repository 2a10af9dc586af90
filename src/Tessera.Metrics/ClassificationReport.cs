namespace Tessera.Metrics;

/// <summary>
/// The usual evaluation of a C-class classifier in one metric: accuracy, precision/recall/F1 (macro, weighted,
/// per class), the confusion matrix, and one-vs-rest ROC AUC and average precision on the softmax probabilities
/// with their curves. Fed logits (softmax taken here in double precision) or probabilities.
/// </summary>
public sealed class ClassificationReport : IMetric
{
    private readonly ConfusionMatrix _confusion;
    private readonly ClassCounts _counts;
    private readonly MulticlassAuroc _auroc;
    private readonly MulticlassAveragePrecision _ap;

    /// <summary>A report over <paramref name="classes"/> classes.</summary>
    /// <param name="classes">Number of classes, at least 2.</param>
    /// <param name="inputsAreLogits">True: <c>Update</c> receives logits and applies softmax; false: it receives probabilities.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="classes"/> &lt; 2.</exception>
    public ClassificationReport(int classes, bool inputsAreLogits = true)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, $"ClassificationReport needs at least 2 classes, got {classes}.");
        Classes = classes;
        InputsAreLogits = inputsAreLogits;
        _confusion = new ConfusionMatrix(classes);
        _counts = new ClassCounts(classes, nameof(ClassificationReport));
        _auroc = new MulticlassAuroc(classes);
        _ap = new MulticlassAveragePrecision(classes);
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Whether updates receive logits (softmax applied here) rather than probabilities.</summary>
    public bool InputsAreLogits { get; }

    /// <inheritdoc />
    public string Name => "classification_report";

    /// <summary>Adds a batch: <paramref name="preds"/> (N, C) logits or probabilities, <paramref name="target"/> (N) class ids.</summary>
    public void Update(Tensor preds, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(preds);
        const string metric = nameof(ClassificationReport);
        if (preds.Rank != 2 || preds.Size(1) != Classes)
            throw new ArgumentException($"{metric}: preds must be (N, {Classes}) {(InputsAreLogits ? "logits" : "probabilities")}, got shape {MetricInput.Format(preds)}.", nameof(preds));
        MetricInput.CheckRank(target, 1, metric, "target", "(N) class ids");
        Update(MetricInput.FiniteFloats(preds, metric, "preds"), MetricInput.Labels(target, metric, "target"));
    }

    /// <summary>Adds a batch of row-major (N, C) logits or probabilities and (N) class ids.</summary>
    public void Update(ReadOnlySpan<double> preds, ReadOnlySpan<long> target)
    {
        const string metric = nameof(ClassificationReport);
        int c = Classes;
        if (preds.Length != (long)target.Length * c)
            throw new ArgumentException($"{metric}: {preds.Length} scores do not form {target.Length} rows of {c} classes.", nameof(preds));
        MetricInput.CheckClasses(target, c, metric, "target");
        double[] probs = InputsAreLogits ? Softmax(preds, c) : preds.ToArray();
        var predicted = MetricInput.ArgMax(preds, target.Length, c);
        _confusion.Update(predicted, target);
        _counts.Add(predicted, target);
        _auroc.Update(probs, target);
        _ap.Update(probs, target);
    }

    /// <inheritdoc />
    public void Reset()
    {
        _confusion.Reset();
        _counts.Reset();
        _auroc.Reset();
        _ap.Reset();
    }

    /// <summary>All the numbers.</summary>
    /// <exception cref="InvalidOperationException">Before any update.</exception>
    public ClassificationSummary Compute()
    {
        _counts.CheckNotEmpty();
        long correct = 0;
        for (int k = 0; k < Classes; k++) correct += _counts.TruePositives[k];
        return new ClassificationSummary(
            Count: _counts.Total,
            Accuracy: (double)correct / _counts.Total,
            PrecisionMacro: _counts.Reduce(Average.Macro, ClassCounts.Precision),
            RecallMacro: _counts.Reduce(Average.Macro, ClassCounts.Recall),
            F1Macro: _counts.Reduce(Average.Macro, ClassCounts.F1),
            F1Weighted: _counts.Reduce(Average.Weighted, ClassCounts.F1),
            RocAucMacro: _auroc.Compute(),
            RocAucWeighted: WeightedAuc(),
            AveragePrecisionMacro: _ap.Compute(),
            Precision: _counts.PerClass(ClassCounts.Precision),
            Recall: _counts.PerClass(ClassCounts.Recall),
            F1: _counts.PerClass(ClassCounts.F1),
            RocAuc: _auroc.ComputePerClass(),
            AveragePrecision: _ap.ComputePerClass(),
            Support: (long[])_counts.Support.Clone(),
            Confusion: _confusion.Compute());
    }

    /// <summary>The one-vs-rest ROC curve of each class.</summary>
    public RocCurve[] RocCurves() => _auroc.ComputeCurves();

    /// <summary>The one-vs-rest precision-recall curve of each class.</summary>
    public PrCurve[] PrecisionRecallCurves() => _ap.ComputeCurves();

    private double WeightedAuc()
    {
        var perClass = _auroc.ComputePerClass();
        double num = 0, den = 0;
        for (int k = 0; k < Classes; k++)
        {
            if (double.IsNaN(perClass[k])) continue;
            num += _counts.Support[k] * perClass[k];
            den += _counts.Support[k];
        }
        return den == 0 ? double.NaN : num / den;
    }

    /// <summary>Row-wise softmax of (N, C) logits in double precision: exp(x − max) / Σ exp(x − max).</summary>
    internal static double[] Softmax(ReadOnlySpan<double> logits, int classes)
    {
        var result = new double[logits.Length];
        for (int r = 0; r < logits.Length / classes; r++)
        {
            var row = logits.Slice(r * classes, classes);
            var outRow = result.AsSpan(r * classes, classes);
            double max = double.NegativeInfinity;
            foreach (double v in row) max = Math.Max(max, v);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += outRow[j] = Math.Exp(row[j] - max);
            for (int j = 0; j < classes; j++) outRow[j] /= sum;
        }
        return result;
    }
}
