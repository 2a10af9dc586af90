using Tessera.Nn;
using Tessera.Nn.Layers;

namespace Tessera.Models;

/// <summary>
/// LeNet-5 for 28×28 inputs: <c>conv1</c> 1→6 k5 padding 2, ReLU, max-pool 2, <c>conv2</c> 6→16 k5, ReLU,
/// max-pool 2, flatten, <c>fc1</c> 400→120, ReLU, <c>fc2</c> 120→84, ReLU, <c>fc3</c> 84→10.
/// Parameter names match the PyTorch original, so weights trained there load directly.
/// </summary>
public sealed class LeNet5 : Module<Tensor, Tensor>
{
    /// <summary>Creates the network with PyTorch's default initialisation.</summary>
    public LeNet5(int classes = 10, Generator? generator = null)
    {
        Conv1 = RegisterModule("conv1", new Conv2d(1, 6, 5, padding: 2, generator: generator));
        Conv2 = RegisterModule("conv2", new Conv2d(6, 16, 5, generator: generator));
        Fc1 = RegisterModule("fc1", new Linear(400, 120, generator: generator));
        Fc2 = RegisterModule("fc2", new Linear(120, 84, generator: generator));
        Fc3 = RegisterModule("fc3", new Linear(84, classes, generator: generator));
    }

    /// <summary>1→6, 5×5, padding 2.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>6→16, 5×5.</summary>
    public Conv2d Conv2 { get; }

    /// <summary>400→120.</summary>
    public Linear Fc1 { get; }

    /// <summary>120→84.</summary>
    public Linear Fc2 { get; }

    /// <summary>84→classes.</summary>
    public Linear Fc3 { get; }

    /// <summary>(N, 1, 28, 28) → logits (N, classes).</summary>
    public override Tensor Forward(Tensor x)
    {
        x = Functional.MaxPool2d(Conv1.Forward(x).Relu(), (2, 2));     // (N, 6, 14, 14)
        x = Functional.MaxPool2d(Conv2.Forward(x).Relu(), (2, 2));     // (N, 16, 5, 5)
        x = x.Flatten(1);                                             // (N, 400)
        return Fc3.Forward(Fc2.Forward(Fc1.Forward(x).Relu()).Relu());
    }
}
