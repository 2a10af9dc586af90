namespace Tessera.Training.Loggers;

/// <summary>
/// Receives what a <see cref="Trainer"/> records: hyper-parameters at the start of a fit, values by name with the
/// optimizer step (per-step values are named "{name}_step"; an epoch row carries an "epoch" entry), and the end of
/// the fit. Implementations write files, event logs or dashboards.
/// </summary>
public interface ITrainingLogger
{
    /// <summary>The module's hyper-parameters, at the start of every fit.</summary>
    void LogHyperparams(IReadOnlyDictionary<string, string> hyperparams);

    /// <summary>Values logged at optimizer step <paramref name="step"/>.</summary>
    void LogMetrics(IReadOnlyDictionary<string, double> metrics, long step);

    /// <summary>The fit ended (normally or not); flush and close.</summary>
    void Finish();

    /// <summary>
    /// A fit resumed from a checkpoint whose epoch rows are <paramref name="history"/>: a logger that keeps a file of
    /// rows rewrites it from them (dropping rows a killed run wrote after that checkpoint). Default: nothing.
    /// </summary>
    void Resume(IReadOnlyList<MetricsRecord> history) { }
}
