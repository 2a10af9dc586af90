namespace Tessera.Optim;

/// <summary>The saved form of one parameter group: its hyper-parameters and the indices of its parameters.</summary>
public sealed class ParamGroupState
{
    /// <summary>Hyper-parameters by PyTorch name (booleans as 0/1), including "lr" and "initial_lr" when set.</summary>
    public Dictionary<string, double> Options { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Indices of the group's parameters in the optimizer-wide order (groups in order, parameters in order).</summary>
    public int[] ParamIndices { get; init; } = [];
}
