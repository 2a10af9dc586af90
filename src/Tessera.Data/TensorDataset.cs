namespace Tessera.Data;

/// <summary>
/// A supervised dataset held in two tensors that share dimension 0: example i is
/// (<see cref="Inputs"/>[i], <see cref="Targets"/>[i]). Batches are gathered from the big tensors
/// directly, without materialising per-example tensors.
/// </summary>
public class TensorDataset : Dataset<Sample>, IBatchSource
{
    /// <summary>A dataset over <paramref name="inputs"/> (N, ...) and <paramref name="targets"/> (N, ...).</summary>
    /// <exception cref="ArgumentException">When a tensor is 0-d, or their first dimensions differ.</exception>
    public TensorDataset(Tensor inputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Rank == 0) throw new ArgumentException("TensorDataset inputs must have at least one dimension (examples), got a 0-d tensor.", nameof(inputs));
        if (targets.Rank == 0) throw new ArgumentException("TensorDataset targets must have at least one dimension (examples), got a 0-d tensor.", nameof(targets));
        if (inputs.Size(0) != targets.Size(0))
            throw new ArgumentException($"TensorDataset inputs have {inputs.Size(0)} examples but targets have {targets.Size(0)}.", nameof(targets));
        // Detached, contiguous copies are gathered by plain memory copies and never record history.
        Inputs = inputs.Detach().Contiguous();
        Targets = targets.Detach().Contiguous();
    }

    /// <summary>All inputs, (N, ...).</summary>
    public Tensor Inputs { get; }

    /// <summary>All targets, (N, ...).</summary>
    public Tensor Targets { get; }

    /// <inheritdoc />
    public override int Count => Inputs.Size(0);

    /// <inheritdoc />
    public override Sample Get(int index)
    {
        CheckIndex(index);
        return new Sample(Inputs.Select(0, index), Targets.Select(0, index));
    }

    /// <inheritdoc />
    public Batch GetBatch(ReadOnlySpan<int> indices)
    {
        foreach (int i in indices) CheckIndex(i);
        return new Batch(GatherRows(Inputs, indices), GatherRows(Targets, indices));
    }

    /// <summary>Rows <paramref name="indices"/> of a contiguous tensor, (indices.Length, ...), by row memory copies.</summary>
    internal static Tensor GatherRows(Tensor source, ReadOnlySpan<int> indices)
    {
        var shape = source.ShapeArray();
        shape[0] = indices.Length;
        var result = Tensor.Empty(shape, source.DType);
        var src = source.AsBytes();   // throws beyond 2^31 bytes, so a row's byte count fits an int
        int rowBytes = (int)(source.Numel / Math.Max(1, source.Size(0))) * source.DType.ElementSize();
        if (rowBytes == 0) return result;
        var dst = result.AsBytes();
        for (int p = 0; p < indices.Length; p++)
            src.Slice(indices[p] * rowBytes, rowBytes).CopyTo(dst.Slice(p * rowBytes, rowBytes));
        return result;
    }
}
