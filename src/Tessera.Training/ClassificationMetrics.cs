namespace Tessera.Training;

/// <summary>
/// Confusion matrix and per-class precision, recall and F1 of a classifier. Rows of <see cref="Confusion"/>
/// are true classes, columns predicted classes. A class never predicted has precision 0 (and never present,
/// recall 0), as scikit-learn's zero_division=0.
/// </summary>
public sealed class ClassificationMetrics
{
    /// <summary>Counts from true and predicted labels in 0..<paramref name="classes"/>-1.</summary>
    public ClassificationMetrics(int classes, ReadOnlySpan<long> truth, ReadOnlySpan<long> predicted)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "need at least one class");
        if (truth.Length != predicted.Length)
            throw new ArgumentException($"{truth.Length} true labels but {predicted.Length} predictions.", nameof(predicted));
        Classes = classes;
        Confusion = new long[classes, classes];
        for (int i = 0; i < truth.Length; i++)
        {
            long t = truth[i], p = predicted[i];
            if ((ulong)t >= (ulong)classes || (ulong)p >= (ulong)classes)
                throw new ArgumentOutOfRangeException(nameof(truth), $"label pair ({t}, {p}) at {i} is outside 0..{classes - 1}.");
            Confusion[t, p]++;
        }
        Total = truth.Length;
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Number of examples.</summary>
    public long Total { get; }

    /// <summary>(classes, classes): [true, predicted] counts.</summary>
    public long[,] Confusion { get; }

    /// <summary>Fraction of examples on the diagonal (0 when empty).</summary>
    public double Accuracy
    {
        get
        {
            long c = 0;
            for (int i = 0; i < Classes; i++) c += Confusion[i, i];
            return Total == 0 ? 0 : (double)c / Total;
        }
    }

    /// <summary>Examples of class <paramref name="c"/> (row sum).</summary>
    public long Support(int c)
    {
        long s = 0;
        for (int j = 0; j < Classes; j++) s += Confusion[c, j];
        return s;
    }

    /// <summary>True positives over predicted positives of class <paramref name="c"/>.</summary>
    public double Precision(int c)
    {
        long col = 0;
        for (int i = 0; i < Classes; i++) col += Confusion[i, c];
        return col == 0 ? 0 : (double)Confusion[c, c] / col;
    }

    /// <summary>True positives over actual examples of class <paramref name="c"/>.</summary>
    public double Recall(int c)
    {
        long row = Support(c);
        return row == 0 ? 0 : (double)Confusion[c, c] / row;
    }

    /// <summary>Harmonic mean of precision and recall of class <paramref name="c"/> (0 when both are 0).</summary>
    public double F1(int c)
    {
        double p = Precision(c), r = Recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary>Unweighted mean of the per-class F1 scores.</summary>
    public double MacroF1
    {
        get
        {
            double s = 0;
            for (int c = 0; c < Classes; c++) s += F1(c);
            return s / Classes;
        }
    }
}
