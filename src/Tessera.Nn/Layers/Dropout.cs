namespace Tessera.Nn.Layers;

/// <summary>Zeroes each element with probability p in training and scales the rest by 1/(1−p); identity in evaluation.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    private readonly Generator? _generator;

    /// <summary>Creates the layer; masks come from <paramref name="generator"/> (or <see cref="Generator.Default"/>).</summary>
    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"Dropout probability must be in [0, 1], got {p}.");
        P = p;
        _generator = generator;
    }

    /// <summary>Drop probability.</summary>
    public double P { get; }

    /// <summary>Masked and rescaled in training, unchanged in evaluation.</summary>
    public override Tensor Forward(Tensor x) => Functional.Dropout(x, P, Training, _generator ?? Generator.Default);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={PyFloat(P)}, inplace=False";
}
