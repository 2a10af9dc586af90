namespace Tessera.Nn.Layers;

/// <summary>x for x ≥ 0, slope·x otherwise.</summary>
public sealed class LeakyReLU : Module<Tensor, Tensor>
{
    /// <summary>Creates the activation with the given negative slope.</summary>
    public LeakyReLU(double negativeSlope = 0.01)
    {
        if (!double.IsFinite(negativeSlope)) throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, $"LeakyReLU negative_slope must be finite, got {negativeSlope}.");
        NegativeSlope = negativeSlope;
    }

    /// <summary>Slope for negative inputs.</summary>
    public double NegativeSlope { get; }

    /// <summary>Applies the activation element-wise.</summary>
    public override Tensor Forward(Tensor x) => x.LeakyRelu(NegativeSlope);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"negative_slope={PyFloat(NegativeSlope)}";
}
