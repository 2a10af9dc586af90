namespace Tessera.Metrics;

/// <summary>How per-class scores are reduced to one number (scikit-learn's <c>average=</c>).</summary>
public enum Average
{
    /// <summary>Unweighted mean of the per-class scores.</summary>
    Macro,
    /// <summary>The score of the pooled counts (classification) or of all (sample, class) pairs pooled (ROC AUC).</summary>
    Micro,
    /// <summary>Mean of the per-class scores weighted by support (true examples of each class).</summary>
    Weighted,
    /// <summary>No reduction: one score per class, from <c>ComputePerClass()</c>; <c>Compute()</c> then throws.</summary>
    None,
}
