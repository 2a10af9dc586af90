using System.Globalization;
using System.Text;

namespace Tessera.Metrics;

/// <summary>
/// A receiver operating characteristic curve, as scikit-learn's <c>roc_curve</c> returns it: points in order of
/// decreasing threshold, starting at (0, 0) with threshold max(score) + 1.
/// </summary>
/// <param name="Fpr">False-positive rates, increasing (all NaN when there are no negatives).</param>
/// <param name="Tpr">True-positive rates, increasing (all NaN when there are no positives).</param>
/// <param name="Thresholds">Decreasing score thresholds: point i counts scores &gt;= Thresholds[i] as positive.</param>
public sealed record RocCurve(double[] Fpr, double[] Tpr, double[] Thresholds)
{
    /// <summary>Area under the curve by the trapezoidal rule (NaN when the rates are undefined).</summary>
    public double Auc() => Ranking.Auc(Fpr, Tpr);

    /// <summary>The curve as CSV: a <c>fpr,tpr,threshold</c> header and one row per point (invariant culture, round-trip precision).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("fpr,tpr,threshold\n");
        for (int i = 0; i < Fpr.Length; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{Fpr[i]:R},{Tpr[i]:R},{Thresholds[i]:R}\n");
        return sb.ToString();
    }
}
