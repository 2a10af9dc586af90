using Tessera.Training.Loggers;

namespace Tessera.Training.Callbacks;

/// <summary>
/// Logs histograms of every parameter of the module's <see cref="TrainingModule.Model"/> to a
/// <see cref="TensorBoardLogger"/> every <see cref="EveryNEpochs"/>-th epoch: the weights (<c>weights/{name}</c>) at the
/// end of the epoch and the gradients (<c>grads/{name}</c>) of the epoch's first optimizer step (gradients are released
/// after each step), each at the trainer's global step.
/// </summary>
public sealed class TensorBoardHistograms : Callback
{
    private readonly TensorBoardLogger _logger;

    /// <summary>Histograms into <paramref name="logger"/>'s event file every <paramref name="everyNEpochs"/> epochs.</summary>
    public TensorBoardHistograms(TensorBoardLogger logger, int everyNEpochs = 1)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (everyNEpochs < 1) throw new ArgumentOutOfRangeException(nameof(everyNEpochs), everyNEpochs, $"everyNEpochs must be at least 1, got {everyNEpochs}.");
        _logger = logger;
        EveryNEpochs = everyNEpochs;
    }

    /// <summary>Epochs between two sets of histograms.</summary>
    public int EveryNEpochs { get; }

    private int _gradsLoggedForEpoch = -1;

    /// <inheritdoc/>
    public override void OnBeforeOptimizerStep(Trainer trainer, TrainingModule module)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(module);
        // trainer.Epoch counts finished epochs: the running one is Epoch + 1.
        if ((trainer.Epoch + 1) % EveryNEpochs != 0 || _gradsLoggedForEpoch == trainer.Epoch) return;
        _gradsLoggedForEpoch = trainer.Epoch;
        foreach (var (name, p) in module.Model.NamedParameters())
            if (p.Grad is { } g && g.Numel > 0 && g.DType.IsFloatingPoint()) Log($"grads/{name}", g, trainer.GlobalStep);
    }

    /// <inheritdoc/>
    public override void OnTrainEpochEnd(Trainer trainer, TrainingModule module)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(module);
        if (trainer.Epoch % EveryNEpochs != 0) return;
        foreach (var (name, p) in module.Model.NamedParameters())
            if (p.Numel > 0 && p.DType.IsFloatingPoint()) Log($"weights/{name}", p.Detach(), trainer.GlobalStep);
    }

    private void Log(string tag, Tensor t, long step)
    {
        float[] values = t.To(DType.Float32).ToArray<float>();
        // A diverged run (--allow-nan) keeps training: its non-finite tensors get no histogram (TensorBoard has no bucket for NaN).
        foreach (float v in values)
            if (!float.IsFinite(v)) return;
        _logger.Writer.AddHistogram(tag, values, step);
    }
}
