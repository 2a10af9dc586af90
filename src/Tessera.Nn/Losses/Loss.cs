namespace Tessera.Nn.Losses;

/// <summary>Base of loss modules: two inputs (prediction, target) and a scalar (or per-element) loss.</summary>
public abstract class Loss : Module
{
    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/>.</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <summary>Same as <see cref="Forward(Tensor, Tensor)"/>.</summary>
    public Tensor Call(Tensor input, Tensor target) => Forward(input, target);

    /// <summary>Not supported: a loss needs a target.</summary>
    public sealed override Tensor Forward(Tensor x) => throw new NotSupportedException($"{GetType().Name} needs (input, target).");
}
