namespace Tessera.Metrics;

/// <summary>How <see cref="ConfusionMatrix.ComputeNormalized"/> scales the counts (scikit-learn's <c>normalize=</c>).</summary>
public enum ConfusionNormalization
{
    /// <summary>Raw counts.</summary>
    None,
    /// <summary>Each row (true class) sums to 1.</summary>
    True,
    /// <summary>Each column (predicted class) sums to 1.</summary>
    Pred,
    /// <summary>The whole matrix sums to 1.</summary>
    All,
}
