namespace Tessera.Optim.Schedulers;

/// <summary>
/// The saved form of a learning-rate scheduler: epoch counters, base and last learning rates (one per parameter
/// group) and scheduler-specific numbers in <see cref="Extra"/> (e.g. ReduceLROnPlateau's "best",
/// "num_bad_epochs", "cooldown_counter"). Hyper-parameters given to the constructor are not saved: load into a
/// scheduler built with the same arguments.
/// </summary>
public sealed class LrSchedulerState
{
    /// <summary>Index of the last epoch (number of Step calls since construction minus one for PyTorch-style schedulers).</summary>
    public int LastEpoch { get; init; }

    /// <summary>Number of Step calls including the one made by the constructor.</summary>
    public int StepCount { get; init; }

    /// <summary>The groups' initial learning rates.</summary>
    public double[] BaseLrs { get; init; } = [];

    /// <summary>The learning rates set by the last Step.</summary>
    public double[] LastLrs { get; init; } = [];

    /// <summary>Scheduler-specific values by name.</summary>
    public Dictionary<string, double> Extra { get; init; } = new(StringComparer.Ordinal);
}
