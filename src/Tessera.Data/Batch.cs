namespace Tessera.Data;

/// <summary>A mini-batch: examples stacked along a new leading dimension.</summary>
/// <param name="Input">Inputs, (B, ...).</param>
/// <param name="Target">Targets, (B, ...).</param>
/// <remarks>Disposing a batch hands its buffers back to the pool for the loader's next batches; do it once the
/// step that used the batch is done (the loader allocates a fresh batch every time).</remarks>
public sealed record Batch(Tensor Input, Tensor Target) : IDisposable
{
    /// <summary>Releases the input and target storage (see <see cref="Tensor.Dispose"/>).</summary>
    public void Dispose()
    {
        Input.Dispose();
        Target.Dispose();
    }

    /// <summary>Number of examples in the batch (size of dimension 0).</summary>
    public int Size => Input.Rank == 0 ? 1 : Input.Size(0);
}
