namespace Tessera.Nn.Losses;

/// <summary>Huber loss module (quadratic below delta, linear above).</summary>
public sealed class HuberLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public HuberLoss(double delta = 1.0, Reduction reduction = Reduction.Mean)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, $"HuberLoss delta must be positive, got {delta}.");
        Delta = delta;
        Reduction = reduction;
    }

    /// <summary>Threshold between the quadratic and linear parts.</summary>
    public double Delta { get; }

    /// <summary>How per-element losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.HuberLoss(input, target, Delta, Reduction);
}
