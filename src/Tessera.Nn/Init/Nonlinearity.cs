namespace Tessera.Nn;

/// <summary>The nonlinearity following a layer, for <see cref="Init.CalculateGain"/>.</summary>
public enum Nonlinearity
{
    /// <summary>Identity (gain 1).</summary>
    Linear,
    /// <summary>Convolution without activation (gain 1).</summary>
    Conv2d,
    /// <summary>Sigmoid (gain 1).</summary>
    Sigmoid,
    /// <summary>Tanh (gain 5/3).</summary>
    Tanh,
    /// <summary>ReLU (gain √2).</summary>
    Relu,
    /// <summary>Leaky ReLU with slope a (gain √(2/(1+a²))).</summary>
    LeakyRelu,
    /// <summary>SELU (gain 3/4).</summary>
    Selu,
}
