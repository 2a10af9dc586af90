using Tessera.Data;

namespace Tessera.Training;

/// <summary>The examples of <paramref name="source"/> at <paramref name="indices"/> (a validation split), gathered in batches when the source can.</summary>
internal sealed class SubsetDataset(Dataset<Sample> source, int[] indices) : Dataset<Sample>, IBatchSource
{
    public override int Count => indices.Length;

    public override Sample Get(int index)
    {
        CheckIndex(index);
        return source.Get(indices[index]);
    }

    public Batch GetBatch(ReadOnlySpan<int> batchIndices)
    {
        var mapped = new int[batchIndices.Length];
        for (int i = 0; i < mapped.Length; i++)
        {
            CheckIndex(batchIndices[i]);
            mapped[i] = indices[batchIndices[i]];
        }
        if (source is IBatchSource s) return s.GetBatch(mapped);
        var samples = new Sample[mapped.Length];
        for (int i = 0; i < mapped.Length; i++) samples[i] = source.Get(mapped[i]);
        return Collate.Stack(samples);
    }
}
