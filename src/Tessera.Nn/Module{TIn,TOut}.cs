namespace Tessera.Nn;

/// <summary>
/// A module with one input and one output (TorchSharp's <c>Module&lt;T, TResult&gt;</c>): every layer that maps a
/// tensor to a tensor is a <c>Module&lt;Tensor, Tensor&gt;</c>; a recurrent layer can be
/// <c>Module&lt;Tensor, (Tensor Output, (Tensor H, Tensor C) State)&gt;</c>.
/// </summary>
/// <typeparam name="TIn">The input (a tensor, a tuple, a cache object ...).</typeparam>
/// <typeparam name="TOut">The output.</typeparam>
public abstract class Module<TIn, TOut> : Module
{
    /// <summary>Computes the module's output.</summary>
    public abstract TOut Forward(TIn x);

    /// <summary>Same as <see cref="Forward"/>; reads like calling the module.</summary>
    public TOut Call(TIn x) => Forward(x);
}
