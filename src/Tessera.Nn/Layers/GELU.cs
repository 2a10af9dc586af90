namespace Tessera.Nn.Layers;

/// <summary>x·Φ(x) (exact) or its tanh approximation.</summary>
public sealed class GELU : Module<Tensor, Tensor>
{
    /// <summary>Creates the activation; <paramref name="approximateTanh"/> selects PyTorch's approximate='tanh'.</summary>
    public GELU(bool approximateTanh = false) => ApproximateTanh = approximateTanh;

    /// <summary>Whether the tanh approximation is used.</summary>
    public bool ApproximateTanh { get; }

    /// <summary>Applies the activation element-wise.</summary>
    public override Tensor Forward(Tensor x) => x.Gelu(ApproximateTanh);

    /// <inheritdoc/>
    protected override string ExtraRepr() => ApproximateTanh ? "approximate='tanh'" : "approximate='none'";
}
