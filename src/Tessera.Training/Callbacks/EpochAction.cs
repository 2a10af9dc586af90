namespace Tessera.Training.Callbacks;

/// <summary>Calls an action at the end of every training epoch (for small scripts and command-line reporting).</summary>
public sealed class EpochAction(Action<Trainer, TrainingModule> action) : Callback
{
    private readonly Action<Trainer, TrainingModule> _action = action ?? throw new ArgumentNullException(nameof(action));

    /// <inheritdoc />
    public override string StateKey => $"{nameof(EpochAction)}#{GetHashCode()}";

    /// <inheritdoc />
    public override void OnTrainEpochEnd(Trainer trainer, TrainingModule module) => _action(trainer, module);
}
