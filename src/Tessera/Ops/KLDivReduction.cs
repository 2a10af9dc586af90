namespace Tessera;

/// <summary>Reductions for KL divergence, which adds PyTorch's "batchmean".</summary>
public enum KLDivReduction
{
    /// <summary>Mean over all elements (PyTorch's default, which is not the true KL divergence).</summary>
    Mean,
    /// <summary>Sum over all elements.</summary>
    Sum,
    /// <summary>Sum divided by the batch size (dim 0): the mathematical KL divergence per sample.</summary>
    BatchMean,
    /// <summary>One value per element.</summary>
    None,
}
