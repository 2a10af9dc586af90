namespace Tessera.Data;

/// <summary>A mini-batch: examples stacked along a new leading dimension.</summary>
/// <param name="Input">Inputs, (B, ...).</param>
/// <param name="Target">Targets, (B, ...).</param>
public sealed record Batch(Tensor Input, Tensor Target)
{
    /// <summary>Number of examples in the batch (size of dimension 0).</summary>
    public int Size => Input.Rank == 0 ? 1 : Input.Size(0);
}
