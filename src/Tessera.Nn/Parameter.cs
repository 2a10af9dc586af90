namespace Tessera.Nn;

/// <summary>
/// A leaf tensor that a <see cref="Module"/> owns and optimisers update (PyTorch's <c>nn.Parameter</c>).
/// It views the storage of the data it was built from (a contiguous copy when that data is strided).
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (detached, made contiguous) as a leaf that requires grad by default.</summary>
    public Parameter(Tensor data, bool requiresGrad = true)
        : base(Prepare(data))
    {
        if (requiresGrad) RequiresGrad = true;
    }

    private static Tensor Prepare(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.IsContiguous ? data.Detach() : data.Detach().Clone();
    }

    /// <summary>"Parameter containing:" followed by the tensor printout.</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}
