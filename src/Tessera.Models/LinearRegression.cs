using Tessera.Nn;
using Tessera.Nn.Layers;

namespace Tessera.Models;

/// <summary>y = x·Wᵀ + b: one <c>linear</c> layer, as PyTorch's <c>nn.Linear(in, out)</c> regression examples.</summary>
public sealed class LinearRegression : Module<Tensor, Tensor>
{
    /// <summary>A regression from <paramref name="inFeatures"/> inputs to <paramref name="outFeatures"/> outputs.</summary>
    public LinearRegression(int inFeatures = 1, int outFeatures = 1, Generator? generator = null)
        => Linear = RegisterModule("linear", new Linear(inFeatures, outFeatures, generator: generator));

    /// <summary>The layer (parameters <c>linear.weight</c> (out, in) and <c>linear.bias</c> (out)).</summary>
    public Linear Linear { get; }

    /// <summary>(N, in) → (N, out).</summary>
    public override Tensor Forward(Tensor x) => Linear.Forward(x);
}
