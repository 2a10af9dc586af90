namespace Tessera.Nn.Layers;

/// <summary>x·σ(x) element-wise (swish).</summary>
public sealed class SiLU : Module<Tensor, Tensor>
{
    /// <summary>Applies the activation element-wise.</summary>
    public override Tensor Forward(Tensor x) => x.Silu();
}
