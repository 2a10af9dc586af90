namespace Tessera.Data;

/// <summary>Collate functions: turn a list of examples into a <see cref="Batch"/>.</summary>
public static class Collate
{
    /// <summary>Stacks inputs along a new dimension 0, and targets likewise (the default of <see cref="DataLoader"/>).</summary>
    /// <exception cref="ArgumentException">When the list is empty or shapes differ.</exception>
    public static Batch Stack(IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) throw new ArgumentException("Cannot collate an empty list of samples.", nameof(samples));
        var inputs = new Tensor[samples.Count];
        var targets = new Tensor[samples.Count];
        for (int i = 0; i < samples.Count; i++) (inputs[i], targets[i]) = (samples[i].Input, samples[i].Target);
        return new Batch(Tensor.Stack(inputs), Tensor.Stack(targets));
    }
}
