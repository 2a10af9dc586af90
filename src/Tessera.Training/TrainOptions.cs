namespace Tessera.Training;

/// <summary>Options of one classifier training run (the <c>tessera train</c> flags).</summary>
public sealed record TrainOptions
{
    /// <summary>"mlp" or "lenet".</summary>
    public string Model { get; init; } = "mlp";

    /// <summary>Total epochs (a resumed run continues up to this count).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Initial learning rate.</summary>
    public double Lr { get; init; } = 0.01;

    /// <summary>sgd, adam, adamw or rmsprop.</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>Momentum (sgd, rmsprop).</summary>
    public double Momentum { get; init; }

    /// <summary>Weight decay (L2 in the optimizer; decoupled for adamw).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Coefficient of an L1 penalty sum|p| over all parameters added to the loss.</summary>
    public double L1 { get; init; }

    /// <summary>none, step (×0.7 every epoch), cosine (over all epochs) or plateau (×0.1 when test accuracy stalls).</summary>
    public string Scheduler { get; init; } = "none";

    /// <summary>Seed of the initialization and shuffling.</summary>
    public ulong Seed { get; init; }

    /// <summary>Data directory, or null for the default search.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where model.safetensors, checkpoint.safetensors and metrics.csv go.</summary>
    public required string OutDirectory { get; init; }

    /// <summary>A checkpoint to continue from, or null.</summary>
    public string? Resume { get; init; }

    /// <summary>Report progress every this many batches (plain output).</summary>
    public int LogEvery { get; init; } = 100;

    /// <summary>Free each step's temporaries with a <see cref="TensorScope"/> (default); false leaves them to the GC.</summary>
    public bool ScopePerStep { get; init; } = true;
}
