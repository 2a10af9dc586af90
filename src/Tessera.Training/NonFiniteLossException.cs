namespace Tessera.Training;

/// <summary>Thrown by <see cref="Trainer"/> when a training loss is NaN or infinite (see <see cref="Trainer.StopOnNonFiniteLoss"/>).</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>The loss <paramref name="value"/> of batch <paramref name="batchIndex"/> in (1-based) <paramref name="epoch"/>, before optimizer step <paramref name="step"/> + 1.</summary>
    public NonFiniteLossException(double value, int epoch, int batchIndex, long step)
        : base(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"training loss is {value} at step {step + 1} (epoch {epoch}, batch {batchIndex + 1}); the run stopped before that update"))
    {
        Value = value;
        Epoch = epoch;
        BatchIndex = batchIndex;
        Step = step;
    }

    /// <summary>The loss value (NaN or ±infinity).</summary>
    public double Value { get; }

    /// <summary>The 1-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>The 0-based batch index within the epoch.</summary>
    public int BatchIndex { get; }

    /// <summary>Optimizer steps completed before this batch.</summary>
    public long Step { get; }
}
