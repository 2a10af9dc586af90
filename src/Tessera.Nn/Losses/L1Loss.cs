namespace Tessera.Nn.Losses;

/// <summary>Mean absolute error module.</summary>
public sealed class L1Loss : Loss
{
    /// <summary>Creates the loss.</summary>
    public L1Loss(Reduction reduction = Reduction.Mean) => Reduction = reduction;

    /// <summary>How per-element losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.L1Loss(input, target, Reduction);
}
