using Tessera.Data;
using Tessera.Nn;

namespace Tessera.Training;

/// <summary>
/// The research code of a training run, as Lightning's <c>LightningModule</c>: the layers (registered on this
/// module, or a wrapped network exposed as <see cref="Model"/>), what one training step computes
/// (<see cref="TrainingStep"/> returns the loss), the validation/test/predict steps, and
/// <see cref="ConfigureOptimizers"/>. The engineering (loops, accumulation, clipping, checkpoints, logging) is the
/// <see cref="Trainer"/>'s. Steps run inside a <see cref="TensorScope"/> the trainer opens, in training mode for
/// <see cref="TrainingStep"/> and eval mode with no grad for the others.
/// </summary>
public abstract class TrainingModule : Module
{
    /// <summary>The trainer running this module, or null outside fit/validate/test/predict.</summary>
    public Trainer? Trainer { get; internal set; }

    /// <summary>
    /// The network whose state dict is checkpointed and saved as weights (under its own PyTorch-style names):
    /// this module by default; a wrapper returns the network it wraps.
    /// </summary>
    public virtual Module Model => this;

    /// <summary>Hyper-parameters recorded in checkpoints and sent to the loggers (name → invariant-culture text).</summary>
    public virtual IReadOnlyDictionary<string, string> Hyperparameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Computes the loss of one training batch (a 0-d tensor the trainer back-propagates).</summary>
    /// <param name="batch">Inputs (B, ...) and targets (B, ...).</param>
    /// <param name="batchIndex">Index of the batch within the epoch.</param>
    public abstract Tensor TrainingStep(Batch batch, int batchIndex);

    /// <summary>Evaluates one validation batch and <see cref="Log(string, double)"/>s its metrics.</summary>
    public virtual void ValidationStep(Batch batch, int batchIndex) =>
        throw new NotSupportedException($"{GetType().Name} does not override ValidationStep, but the trainer was given validation data.");

    /// <summary>Evaluates one test batch and logs its metrics.</summary>
    public virtual void TestStep(Batch batch, int batchIndex) =>
        throw new NotSupportedException($"{GetType().Name} does not override TestStep.");

    /// <summary>The predictions for one batch, (B, ...).</summary>
    public virtual Tensor PredictStep(Batch batch, int batchIndex) =>
        throw new NotSupportedException($"{GetType().Name} does not override PredictStep.");

    /// <summary>The optimizer(s) over this module's parameters and their learning-rate schedulers.</summary>
    public abstract OptimizerConfig ConfigureOptimizers();

    /// <summary>
    /// Records <paramref name="value"/> under <paramref name="name"/> for the current batch. The trainer reports the
    /// epoch mean weighted by batch size (and the last value per logged step); outside a trainer this does nothing.
    /// </summary>
    protected void Log(string name, double value) => Trainer?.LogFromStep(name, value);

    /// <summary>Records a 0-d tensor's value (one read of the tensor).</summary>
    protected void Log(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Trainer is not null) Trainer.LogFromStep(name, Tessera.Training.Trainer.ReadScalar(value));
    }
}
