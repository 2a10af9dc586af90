using System.Globalization;
using System.Text;

namespace Tessera.Metrics;

/// <summary>
/// A precision-recall curve, as scikit-learn's <c>precision_recall_curve</c> returns it: points in order of
/// increasing threshold, then a final point (recall 0, precision 1) that has no threshold.
/// </summary>
/// <param name="Precision">Precision at each threshold, then 1; length <c>Thresholds.Length + 1</c>.</param>
/// <param name="Recall">Recall at each threshold (decreasing), then 0; length <c>Thresholds.Length + 1</c>.</param>
/// <param name="Thresholds">The distinct scores, increasing.</param>
public sealed record PrCurve(double[] Precision, double[] Recall, double[] Thresholds)
{
    /// <summary>Average precision: Σ (R[n] − R[n+1]) P[n], the step integral (not interpolated), as scikit-learn.</summary>
    public double AveragePrecision() => Ranking.AveragePrecision(this);

    /// <summary>The curve as CSV: a <c>precision,recall,threshold</c> header, one row per point; the last row has an empty threshold.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("precision,recall,threshold\n");
        for (int i = 0; i < Precision.Length; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{Precision[i]:R},{Recall[i]:R},");
            if (i < Thresholds.Length) sb.Append(Thresholds[i].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
