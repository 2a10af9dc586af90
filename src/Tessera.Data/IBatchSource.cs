namespace Tessera.Data;

/// <summary>
/// A dataset that can assemble a whole batch directly (e.g. by gathering rows of one big tensor),
/// which <see cref="DataLoader"/> prefers to fetching and stacking examples one by one.
/// </summary>
public interface IBatchSource
{
    /// <summary>The examples at <paramref name="indices"/>, stacked along dimension 0.</summary>
    Batch GetBatch(ReadOnlySpan<int> indices);
}
