namespace Tessera.Nn.Losses;

/// <summary>Negative log-likelihood of log-probabilities; class weight is a buffer named "weight".</summary>
public sealed class NLLLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public NLLLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        if (weight is not null && weight.Rank != 1) throw new ArgumentException($"NLLLoss weight must be 1-D (C), got shape {FormatShape(weight.Shape)}.", nameof(weight));
        Weight = RegisterBuffer("weight", weight?.Detach());
        IgnoreIndex = ignoreIndex;
        Reduction = reduction;
    }

    /// <summary>Per-class weight (C) or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>Target value that contributes nothing.</summary>
    public long IgnoreIndex { get; }

    /// <summary>How per-sample losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}
