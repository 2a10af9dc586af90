namespace Tessera.Nn.Layers;

/// <summary>Softmax along <see cref="Dim"/>.</summary>
public sealed class Softmax : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer for dimension <paramref name="dim"/>.</summary>
    public Softmax(int dim) => Dim = dim;

    /// <summary>The normalised dimension.</summary>
    public int Dim { get; }

    /// <summary>exp(x)/Σexp(x) along <see cref="Dim"/>.</summary>
    public override Tensor Forward(Tensor x) => x.Softmax(Dim);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={Dim}";
}
