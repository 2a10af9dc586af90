using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Tessera.Training.Callbacks;

/// <summary>
/// Stops training once it has run for <see cref="MaxDuration"/> in total (time before a resume included, as it is
/// saved in checkpoints); the epoch in progress ends at the next optimizer step.
/// </summary>
public sealed class Timer : Callback
{
    private readonly Stopwatch _clock = new();
    private TimeSpan _before;

    /// <summary>A timer allowing <paramref name="maxDuration"/> of training.</summary>
    public Timer(TimeSpan maxDuration)
    {
        if (maxDuration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(maxDuration), maxDuration, $"maxDuration must be positive, got {maxDuration}.");
        MaxDuration = maxDuration;
    }

    /// <summary>The training time allowed.</summary>
    public TimeSpan MaxDuration { get; }

    /// <summary>Training time so far, including time before a resume.</summary>
    public TimeSpan Elapsed => _before + _clock.Elapsed;

    /// <inheritdoc />
    public override void OnFitStart(Trainer trainer, TrainingModule module)
    {
        if (!trainer.Resumed) _before = TimeSpan.Zero;
        _clock.Restart();
    }

    /// <inheritdoc />
    public override void OnTrainBatchEnd(Trainer trainer, TrainingModule module, Data.Batch batch, int batchIndex)
    {
        if (Elapsed >= MaxDuration) trainer.ShouldStop = true;
    }

    /// <inheritdoc />
    public override void OnFitEnd(Trainer trainer, TrainingModule module) => _clock.Stop();

    /// <inheritdoc />
    public override JsonNode? StateDict() => new JsonObject { ["elapsed_ticks"] = Elapsed.Ticks };

    /// <inheritdoc />
    public override void LoadStateDict(JsonNode state) => _before = TimeSpan.FromTicks(state["elapsed_ticks"]!.GetValue<long>());
}
