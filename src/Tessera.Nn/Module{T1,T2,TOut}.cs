namespace Tessera.Nn;

/// <summary>
/// A module with two inputs (TorchSharp's <c>Module&lt;T1, T2, TResult&gt;</c>): a loss (input, target), or a recurrent
/// layer taking (x, state) such as <c>Module&lt;Tensor, (Tensor H, Tensor C)?, (Tensor Output, (Tensor H, Tensor C) State)&gt;</c>.
/// </summary>
/// <typeparam name="T1">The first input.</typeparam>
/// <typeparam name="T2">The second input.</typeparam>
/// <typeparam name="TOut">The output.</typeparam>
public abstract class Module<T1, T2, TOut> : Module
{
    /// <summary>Computes the module's output.</summary>
    public abstract TOut Forward(T1 input1, T2 input2);

    /// <summary>Same as <see cref="Forward"/>; reads like calling the module.</summary>
    public TOut Call(T1 input1, T2 input2) => Forward(input1, input2);
}
