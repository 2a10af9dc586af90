namespace Tessera.Training.Callbacks;

/// <summary>
/// Logs the learning rate at the start of every epoch: "lr" with one optimizer of one group, otherwise
/// "lr-{optimizer}" or "lr-{optimizer}-{group}" (0-based). The value is the rate the epoch trains with.
/// </summary>
public sealed class LearningRateMonitor : Callback
{
    /// <inheritdoc />
    public override void OnTrainEpochStart(Trainer trainer, TrainingModule module)
    {
        var opts = trainer.Optimizers;
        for (int i = 0; i < opts.Count; i++)
        {
            var groups = opts[i].ParamGroups;
            for (int j = 0; j < groups.Count; j++)
            {
                string name = opts.Count == 1 && groups.Count == 1 ? "lr"
                    : groups.Count == 1 ? $"lr-{i}" : $"lr-{i}-{j}";
                trainer.LogMetric(name, groups[j].Lr);
            }
        }
    }
}
