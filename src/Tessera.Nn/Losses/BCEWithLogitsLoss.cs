namespace Tessera.Nn.Losses;

/// <summary>Binary cross entropy on logits (numerically stable); weight and pos_weight are buffers.</summary>
public sealed class BCEWithLogitsLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public BCEWithLogitsLoss(Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        Weight = RegisterBuffer("weight", weight?.Detach());
        PosWeight = RegisterBuffer("pos_weight", posWeight?.Detach());
        Reduction = reduction;
    }

    /// <summary>Per-element weight (broadcast to the input) or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>Weight of positive examples, broadcast over the last dim, or null.</summary>
    public Tensor? PosWeight { get; }

    /// <summary>How per-element losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropyWithLogits(input, target, Weight, PosWeight, Reduction);
}
