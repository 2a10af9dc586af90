using Tessera.Optim;

namespace Tessera.Training;

/// <summary>
/// What <see cref="TrainingModule.ConfigureOptimizers"/> returns: one or more optimizers (all step together after
/// each accumulated batch) and their schedulers. An <see cref="Optimizer"/> converts implicitly, so
/// <c>return new Adam(Parameters(), 1e-3);</c> works.
/// </summary>
public sealed class OptimizerConfig
{
    /// <summary>One optimizer and its schedulers.</summary>
    public OptimizerConfig(Optimizer optimizer, params SchedulerConfig[] schedulers)
        : this([optimizer ?? throw new ArgumentNullException(nameof(optimizer))], schedulers)
    {
    }

    /// <summary>Several optimizers and schedulers.</summary>
    public OptimizerConfig(IEnumerable<Optimizer> optimizers, IEnumerable<SchedulerConfig> schedulers)
    {
        ArgumentNullException.ThrowIfNull(optimizers);
        ArgumentNullException.ThrowIfNull(schedulers);
        Optimizers = optimizers.ToArray();
        Schedulers = schedulers.ToArray();
        if (Optimizers.Count == 0) throw new ArgumentException("ConfigureOptimizers must return at least one optimizer.", nameof(optimizers));
        if (Optimizers.Any(o => o is null)) throw new ArgumentException("An optimizer is null.", nameof(optimizers));
        if (Schedulers.Any(s => s is null)) throw new ArgumentException("A scheduler is null.", nameof(schedulers));
    }

    /// <summary>The optimizers.</summary>
    public IReadOnlyList<Optimizer> Optimizers { get; }

    /// <summary>The schedulers.</summary>
    public IReadOnlyList<SchedulerConfig> Schedulers { get; }

    /// <summary>A config with one optimizer and no scheduler.</summary>
    public static implicit operator OptimizerConfig(Optimizer optimizer) => new(optimizer);
}
