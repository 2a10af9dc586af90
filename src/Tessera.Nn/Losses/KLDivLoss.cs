namespace Tessera.Nn.Losses;

/// <summary>KL divergence module; input holds log-probabilities.</summary>
public sealed class KLDivLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public KLDivLoss(KLDivReduction reduction = KLDivReduction.Mean, bool logTarget = false)
    {
        Reduction = reduction;
        LogTarget = logTarget;
    }

    /// <summary>How per-element losses are combined.</summary>
    public KLDivReduction Reduction { get; }

    /// <summary>Whether the target holds log-probabilities.</summary>
    public bool LogTarget { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.KLDiv(input, target, Reduction, LogTarget);
}
