namespace Tessera.Training.Callbacks;

/// <summary>Reads a monitored metric from the epoch that just ended.</summary>
internal static class Monitor
{
    /// <summary>
    /// The value of <paramref name="name"/> in the last epoch row, or null when this epoch was not validated and the
    /// metric is missing (validation every N epochs). Throws when it is missing from a validated epoch.
    /// </summary>
    public static double? Read(Trainer trainer, string name, string who)
    {
        if (trainer.History.Count > 0 && trainer.History[^1].Values.TryGetValue(name, out double v)) return v;
        if (trainer.ValLoader is not null && !trainer.ValidatedThisEpoch) return null;
        var logged = trainer.History.Count > 0 ? trainer.History[^1].Values.Keys : trainer.CallbackMetrics.Keys;
        throw new InvalidOperationException($"{who} monitors '{name}', which was not logged; logged metrics: {string.Join(", ", logged)}.");
    }

    public static bool Better(MonitorMode mode, double value, double reference, double minDelta = 0) =>
        mode == MonitorMode.Min ? value < reference - minDelta : value > reference + minDelta;
}
