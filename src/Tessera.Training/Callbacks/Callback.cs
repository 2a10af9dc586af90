using System.Text.Json.Nodes;
using Tessera.Data;

namespace Tessera.Training.Callbacks;

/// <summary>
/// Base of trainer callbacks: every hook is a no-op to override. The <see cref="Trainer"/> calls hooks through one
/// place, in the order of <see cref="Trainer.Callbacks"/> except that <see cref="ModelCheckpoint"/>s run after the
/// others and <see cref="ProgressDisplay"/>s last (so an epoch is reported only once it is saved). A callback with
/// state returns it from <see cref="StateDict"/>; the checkpoint keeps it under <see cref="StateKey"/>.
/// </summary>
public abstract class Callback
{
    /// <summary>The key of this callback's state in a checkpoint (unique among a trainer's callbacks).</summary>
    public virtual string StateKey => GetType().Name;

    /// <summary>Before the first epoch of <see cref="Trainer.Fit"/> (after a resumed checkpoint is loaded).</summary>
    public virtual void OnFitStart(Trainer trainer, TrainingModule module) { }

    /// <summary>After the last epoch of a fit that ended without an exception.</summary>
    public virtual void OnFitEnd(Trainer trainer, TrainingModule module) { }

    /// <summary>At the start of each training epoch.</summary>
    public virtual void OnTrainEpochStart(Trainer trainer, TrainingModule module) { }

    /// <summary>After each training batch (after the optimizer step when this batch completed an accumulation).</summary>
    public virtual void OnTrainBatchEnd(Trainer trainer, TrainingModule module, Batch batch, int batchIndex) { }

    /// <summary>
    /// After the gradients of an optimizer step are complete (accumulated and clipped) and before the optimizers step
    /// and release them: the place to inspect gradients.
    /// </summary>
    public virtual void OnBeforeOptimizerStep(Trainer trainer, TrainingModule module) { }

    /// <summary>After a validation run; its means are in <see cref="Trainer.CallbackMetrics"/>.</summary>
    public virtual void OnValidationEnd(Trainer trainer, TrainingModule module) { }

    /// <summary>At the end of each training epoch, once its row is in <see cref="Trainer.History"/> and has been logged.</summary>
    public virtual void OnTrainEpochEnd(Trainer trainer, TrainingModule module) { }

    /// <summary>When fit, validate, test or predict fails (the exception is rethrown afterwards).</summary>
    public virtual void OnException(Trainer trainer, TrainingModule module, Exception exception) { }

    /// <summary>Just before <paramref name="checkpoint"/> is written (state dicts are already in it).</summary>
    public virtual void OnSaveCheckpoint(Trainer trainer, TrainingModule module, Checkpoint checkpoint) { }

    /// <summary>After a checkpoint has been restored into the trainer, module and callbacks.</summary>
    public virtual void OnLoadCheckpoint(Trainer trainer, TrainingModule module, Checkpoint checkpoint) { }

    /// <summary>This callback's state to keep in a checkpoint, or null for none.</summary>
    public virtual JsonNode? StateDict() => null;

    /// <summary>Restores state returned by <see cref="StateDict"/>.</summary>
    public virtual void LoadStateDict(JsonNode state) { }
}
