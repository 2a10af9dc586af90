namespace Tessera.Nn.Losses;

/// <summary>Cross entropy of logits against class indices; class weight is a buffer named "weight".</summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"CrossEntropyLoss label_smoothing must be in [0, 1], got {labelSmoothing}.");
        if (weight is not null && weight.Rank != 1) throw new ArgumentException($"CrossEntropyLoss weight must be 1-D (C), got shape {FormatShape(weight.Shape)}.", nameof(weight));
        Weight = RegisterBuffer("weight", weight?.Detach());
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
        Reduction = reduction;
    }

    /// <summary>Per-class weight (C) or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>Target value that contributes nothing.</summary>
    public long IgnoreIndex { get; }

    /// <summary>Label smoothing ε.</summary>
    public double LabelSmoothing { get; }

    /// <summary>How per-sample losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.CrossEntropy(input, target, Weight, IgnoreIndex, LabelSmoothing, Reduction);
}
