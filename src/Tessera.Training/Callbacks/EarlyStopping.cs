using System.Text.Json.Nodes;

namespace Tessera.Training.Callbacks;

/// <summary>
/// Stops training when the monitored metric has not improved by more than <see cref="MinDelta"/> for
/// <see cref="Patience"/> consecutive checks (epochs in which the metric was recorded), as Lightning's <c>EarlyStopping</c>.
/// Its counters are saved in checkpoints.
/// </summary>
public sealed class EarlyStopping : Callback
{
    /// <summary>Watches <paramref name="monitor"/> (e.g. "val_loss").</summary>
    public EarlyStopping(string monitor, int patience = 3, double minDelta = 0, MonitorMode mode = MonitorMode.Min)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, $"patience must be 0 or more, got {patience}.");
        if (!(minDelta >= 0) || double.IsInfinity(minDelta)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"minDelta must be a finite number >= 0, got {minDelta}.");
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Unknown mode {mode}.");
        Monitor = monitor;
        Patience = patience;
        MinDelta = minDelta;
        Mode = mode;
        Best = mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>The metric watched.</summary>
    public string Monitor { get; }

    /// <summary>Checks without improvement tolerated before stopping.</summary>
    public int Patience { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Whether lower or higher is better.</summary>
    public MonitorMode Mode { get; }

    /// <summary>The best value seen.</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive checks without improvement.</summary>
    public int WaitCount { get; private set; }

    /// <summary>The epoch (1-based) after which training was stopped, or 0.</summary>
    public int StoppedEpoch { get; private set; }

    /// <inheritdoc />
    public override string StateKey => $"EarlyStopping{{monitor={Monitor},mode={Mode.ToString().ToLowerInvariant()}}}";

    /// <inheritdoc />
    public override void OnTrainEpochEnd(Trainer trainer, TrainingModule module)
    {
        if (Callbacks.Monitor.Read(trainer, Monitor, nameof(EarlyStopping)) is not { } v) return;
        if (double.IsNaN(v))
        {
            StoppedEpoch = trainer.Epoch;
            trainer.ShouldStop = true;
            return;
        }
        if (Callbacks.Monitor.Better(Mode, v, Best, MinDelta))
        {
            Best = v;
            WaitCount = 0;
            return;
        }
        if (++WaitCount >= Patience)
        {
            StoppedEpoch = trainer.Epoch;
            trainer.ShouldStop = true;
        }
    }

    /// <inheritdoc />
    public override JsonNode? StateDict() => new JsonObject
    {
        ["best"] = JsonValue.Create(Best.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        ["wait_count"] = WaitCount,
        ["stopped_epoch"] = StoppedEpoch,
    };

    /// <inheritdoc />
    public override void LoadStateDict(JsonNode state)
    {
        Best = double.Parse(state["best"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        WaitCount = state["wait_count"]!.GetValue<int>();
        StoppedEpoch = state["stopped_epoch"]!.GetValue<int>();
    }
}
