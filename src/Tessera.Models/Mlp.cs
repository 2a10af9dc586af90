using Tessera.Nn;
using Tessera.Nn.Layers;

namespace Tessera.Models;

/// <summary>
/// The classic MNIST multilayer perceptron: flatten, <c>fc1</c> 784→128, ReLU, <c>fc2</c> 128→10.
/// Parameter names match the PyTorch original, so its state dict loads directly.
/// </summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    /// <summary>Creates the network with PyTorch's default initialisation.</summary>
    public Mlp(int inFeatures = 784, int hidden = 128, int classes = 10, Generator? generator = null)
    {
        Fc1 = RegisterModule("fc1", new Linear(inFeatures, hidden, generator: generator));
        Fc2 = RegisterModule("fc2", new Linear(hidden, classes, generator: generator));
    }

    /// <summary>First layer (784→128).</summary>
    public Linear Fc1 { get; }

    /// <summary>Output layer (128→10).</summary>
    public Linear Fc2 { get; }

    /// <summary>(N, 1, 28, 28) or (N, 784) → logits (N, 10).</summary>
    public override Tensor Forward(Tensor x) => Fc2.Forward(Fc1.Forward(x.Flatten(1)).Relu());
}
