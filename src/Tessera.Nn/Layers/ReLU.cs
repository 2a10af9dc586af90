namespace Tessera.Nn.Layers;

/// <summary>max(x, 0) element-wise.</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    /// <summary>Applies the activation element-wise.</summary>
    public override Tensor Forward(Tensor x) => x.Relu();
}
