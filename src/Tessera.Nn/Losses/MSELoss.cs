namespace Tessera.Nn.Losses;

/// <summary>Mean squared error module.</summary>
public sealed class MSELoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public MSELoss(Reduction reduction = Reduction.Mean) => Reduction = reduction;

    /// <summary>How per-element losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}
