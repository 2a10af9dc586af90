namespace Tessera.Nn.Layers;

/// <summary>Hyperbolic tangent element-wise.</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    /// <summary>Applies the activation element-wise.</summary>
    public override Tensor Forward(Tensor x) => x.Tanh();
}
