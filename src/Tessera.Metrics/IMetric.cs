namespace Tessera.Metrics;

/// <summary>
/// A streaming metric in the torchmetrics style: <see cref="Update"/> once per batch accumulates state,
/// the metric's <c>Compute()</c> reads the result over everything seen since construction or the last
/// <see cref="Reset"/>. State is kept in doubles and longs, accumulated example by example, so the result
/// does not depend on how the data was split into batches.
/// </summary>
public interface IMetric
{
    /// <summary>A short snake_case name for logs and JSON keys, e.g. <c>accuracy</c> or <c>roc_auc_macro</c>.</summary>
    string Name { get; }

    /// <summary>Accumulates one batch of predictions and targets (shapes: see each metric).</summary>
    /// <exception cref="ArgumentException">When a shape, dtype or value is invalid; the message names it.</exception>
    void Update(Tensor preds, Tensor target);

    /// <summary>Forgets everything accumulated so far.</summary>
    void Reset();
}
