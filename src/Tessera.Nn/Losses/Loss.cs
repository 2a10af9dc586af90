namespace Tessera.Nn.Losses;

/// <summary>
/// Base of loss modules: <c>Forward(input, target)</c> gives a scalar (or, without reduction, per-element) loss.
/// Each loss module is a thin wrapper over its function in <see cref="Functional"/>.
/// </summary>
public abstract class Loss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>The loss of <paramref name="input"/> (the prediction) against <paramref name="target"/>.</summary>
    public abstract override Tensor Forward(Tensor input, Tensor target);
}
