namespace Tessera.Metrics;

/// <summary>Reads (preds, target) pairs of equal shape for the regression metrics.</summary>
internal static class RegressionInput
{
    public static (double[] Preds, double[] Target) Read(Tensor preds, Tensor target, string metric)
    {
        ArgumentNullException.ThrowIfNull(preds);
        ArgumentNullException.ThrowIfNull(target);
        if (!preds.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"{metric}: preds {MetricInput.Format(preds)} and target {MetricInput.Format(target)} must have the same shape.", nameof(target));
        return (MetricInput.FiniteFloats(preds, metric, "preds"), MetricInput.FiniteFloats(target, metric, "target"));
    }

    public static void Check(ReadOnlySpan<double> preds, ReadOnlySpan<double> target, string metric)
    {
        MetricInput.CheckSameCount(preds.Length, target.Length, metric);
        for (int i = 0; i < preds.Length; i++)
        {
            if (!double.IsFinite(preds[i])) throw new ArgumentException($"{metric}: preds element {i} is {preds[i]}; values must be finite.", nameof(preds));
            if (!double.IsFinite(target[i])) throw new ArgumentException($"{metric}: target element {i} is {target[i]}; values must be finite.", nameof(target));
        }
    }
}
