namespace Tessera.Nn;

/// <summary>
/// A module with four inputs (TorchSharp's <c>Module&lt;T1, T2, T3, T4, TResult&gt;</c>), e.g. attention over
/// (q, k, v, mask) with <c>Tensor?</c> as the mask type, or a decoder block taking a KV-cache object.
/// </summary>
/// <typeparam name="T1">The first input.</typeparam>
/// <typeparam name="T2">The second input.</typeparam>
/// <typeparam name="T3">The third input.</typeparam>
/// <typeparam name="T4">The fourth input.</typeparam>
/// <typeparam name="TOut">The output.</typeparam>
public abstract class Module<T1, T2, T3, T4, TOut> : Module
{
    /// <summary>Computes the module's output.</summary>
    public abstract TOut Forward(T1 input1, T2 input2, T3 input3, T4 input4);

    /// <summary>Same as <see cref="Forward"/>; reads like calling the module.</summary>
    public TOut Call(T1 input1, T2 input2, T3 input3, T4 input4) => Forward(input1, input2, input3, input4);
}
