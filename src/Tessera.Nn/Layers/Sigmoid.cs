namespace Tessera.Nn.Layers;

/// <summary>1/(1+e^−x) element-wise.</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    /// <summary>Applies the activation element-wise.</summary>
    public override Tensor Forward(Tensor x) => x.Sigmoid();
}
