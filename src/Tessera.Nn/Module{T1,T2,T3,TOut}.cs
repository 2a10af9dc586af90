namespace Tessera.Nn;

/// <summary>A module with three inputs (TorchSharp's <c>Module&lt;T1, T2, T3, TResult&gt;</c>), e.g. attention over (q, k, v).</summary>
/// <typeparam name="T1">The first input.</typeparam>
/// <typeparam name="T2">The second input.</typeparam>
/// <typeparam name="T3">The third input.</typeparam>
/// <typeparam name="TOut">The output.</typeparam>
public abstract class Module<T1, T2, T3, TOut> : Module
{
    /// <summary>Computes the module's output.</summary>
    public abstract TOut Forward(T1 input1, T2 input2, T3 input3);

    /// <summary>Same as <see cref="Forward"/>; reads like calling the module.</summary>
    public TOut Call(T1 input1, T2 input2, T3 input3) => Forward(input1, input2, input3);
}
