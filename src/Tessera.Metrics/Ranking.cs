namespace Tessera.Metrics;

/// <summary>
/// Stateless ranking metrics on (score, is-positive) pairs, the functions behind the curve metrics. Each
/// follows scikit-learn's implementation step for step (<c>_binary_clf_curve</c>, <c>roc_curve</c> with
/// <c>drop_intermediate=True</c>, <c>precision_recall_curve</c>, <c>auc</c>, <c>average_precision_score</c>),
/// so ties in scores give the same points, thresholds and areas.
/// </summary>
public static class Ranking
{
    /// <summary>The ROC curve of <paramref name="scores"/> (higher = more positive) against <paramref name="positives"/>.</summary>
    /// <exception cref="ArgumentException">When the lengths differ, the input is empty or a score is not finite.</exception>
    public static RocCurve RocCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positives)
    {
        var (fps, tps, thresholds) = BinaryClfCurve(scores, positives);
        int m = fps.Length;
        // Drop points collinear with their neighbours: a zero second difference in both counts.
        var keep = new List<int>(m);
        for (int i = 0; i < m; i++)
        {
            if (m <= 2 || i == 0 || i == m - 1
                || fps[i + 1] - 2 * fps[i] + fps[i - 1] != 0 || tps[i + 1] - 2 * tps[i] + tps[i - 1] != 0)
                keep.Add(i);
        }
        int k = keep.Count;
        var fpr = new double[k + 1];
        var tpr = new double[k + 1];
        var thr = new double[k + 1];
        long fpsLast = fps[m - 1], tpsLast = tps[m - 1];
        for (int j = 0; j < k; j++)
        {
            int i = keep[j];
            fpr[j + 1] = fpsLast <= 0 ? double.NaN : (double)fps[i] / fpsLast;
            tpr[j + 1] = tpsLast <= 0 ? double.NaN : (double)tps[i] / tpsLast;
            thr[j + 1] = thresholds[i];
        }
        fpr[0] = fpsLast <= 0 ? double.NaN : 0;
        tpr[0] = tpsLast <= 0 ? double.NaN : 0;
        // scikit-learn 1.2's convention for the extra first point (later versions use +inf).
        thr[0] = thr[1] + 1;
        return new RocCurve(fpr, tpr, thr);
    }

    /// <summary>The precision-recall curve of <paramref name="scores"/> against <paramref name="positives"/>.</summary>
    /// <remarks>Without positives, recall is 1 at every threshold (as scikit-learn, which warns).</remarks>
    /// <exception cref="ArgumentException">When the lengths differ, the input is empty or a score is not finite.</exception>
    public static PrCurve PrecisionRecallCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positives)
    {
        var (fps, tps, thresholds) = BinaryClfCurve(scores, positives);
        int m = fps.Length;
        var precision = new double[m + 1];
        var recall = new double[m + 1];
        var thr = new double[m];
        long tpsLast = tps[m - 1];
        for (int i = 0; i < m; i++)
        {
            int r = m - 1 - i;   // reversed: increasing thresholds, decreasing recall
            long ps = tps[i] + fps[i];
            precision[r] = ps == 0 ? 0 : (double)tps[i] / ps;
            recall[r] = tpsLast == 0 ? 1 : (double)tps[i] / tpsLast;
            thr[r] = thresholds[i];
        }
        precision[m] = 1;
        recall[m] = 0;
        return new PrCurve(precision, recall, thr);
    }

    /// <summary>Area under the ROC curve; NaN when all examples are of one class (scikit-learn raises there).</summary>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positives)
    {
        var curve = RocCurve(scores, positives);
        return double.IsNaN(curve.Fpr[0]) || double.IsNaN(curve.Tpr[0]) ? double.NaN : curve.Auc();
    }

    /// <summary>Average precision: Σ (R[n] − R[n+1]) P[n] over the precision-recall curve (scikit-learn's non-interpolated AP).</summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positives) =>
        AveragePrecision(PrecisionRecallCurve(scores, positives));

    /// <summary>Average precision of a precision-recall curve.</summary>
    public static double AveragePrecision(PrCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        double sum = 0;
        for (int i = 0; i + 1 < curve.Recall.Length; i++) sum += (curve.Recall[i + 1] - curve.Recall[i]) * curve.Precision[i];
        return -sum;
    }

    /// <summary>Area under a curve through (x[i], y[i]) by the trapezoidal rule; x must be monotonic (either direction).</summary>
    /// <exception cref="ArgumentException">When the lengths differ, there are fewer than 2 points or x is not monotonic.</exception>
    public static double Auc(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Auc needs as many y values as x values, got {x.Length} x and {y.Length} y.", nameof(y));
        if (x.Length < 2) throw new ArgumentException($"Auc needs at least 2 points, got {x.Length}.", nameof(x));
        bool anyDown = false, allDown = true;
        for (int i = 0; i + 1 < x.Length; i++)
        {
            double d = x[i + 1] - x[i];
            if (d < 0) anyDown = true;
            if (d > 0) allDown = false;
        }
        double direction = 1;
        if (anyDown)
        {
            if (!allDown) throw new ArgumentException("Auc needs x monotonic (increasing or decreasing); it goes both ways.", nameof(x));
            direction = -1;
        }
        double area = 0;
        for (int i = 0; i + 1 < x.Length; i++) area += (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0;
        return direction * area;
    }

    /// <summary>
    /// Cumulative false and true positives at each distinct score, scanning scores from high to low;
    /// thresholds are the distinct scores, decreasing.
    /// </summary>
    internal static (long[] Fps, long[] Tps, double[] Thresholds) BinaryClfCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positives)
    {
        if (scores.Length != positives.Length)
            throw new ArgumentException($"Need one label per score, got {scores.Length} scores and {positives.Length} labels.", nameof(positives));
        if (scores.Length == 0) throw new ArgumentException("A ranking curve needs at least one example, got none.", nameof(scores));
        int n = scores.Length;
        var keys = new double[n];
        var labels = new bool[n];
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(scores[i])) throw new ArgumentException($"Score {i} is {scores[i]}; scores must be finite.", nameof(scores));
            keys[i] = -scores[i];   // ascending keys = descending scores; order within ties does not matter
            labels[i] = positives[i];
        }
        Array.Sort(keys, labels);
        var fps = new List<long>();
        var tps = new List<long>();
        var thresholds = new List<double>();
        long tp = 0;
        for (int i = 0; i < n; i++)
        {
            if (labels[i]) tp++;
            if (i == n - 1 || keys[i] != keys[i + 1])
            {
                tps.Add(tp);
                fps.Add(i + 1 - tp);
                thresholds.Add(-keys[i]);
            }
        }
        return (fps.ToArray(), tps.ToArray(), thresholds.ToArray());
    }
}
