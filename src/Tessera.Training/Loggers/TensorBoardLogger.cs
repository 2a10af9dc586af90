using Tessera.Training.TensorBoard;

namespace Tessera.Training.Loggers;

/// <summary>
/// Writes what a <see cref="Trainer"/> logs as TensorBoard event files in <see cref="LogDirectory"/>: every value as a
/// scalar at its optimizer step, and the hyper-parameters (HPARAMS tab) with the metric names of the first epoch row.
/// Events reach the OS as they are logged (see <see cref="SummaryWriter"/>), so a killed run keeps what it reported.
/// View with <c>tensorboard --logdir DIR</c>.
/// </summary>
public sealed class TensorBoardLogger : ITrainingLogger, IDisposable
{
    private IReadOnlyDictionary<string, string>? _hparams;
    private bool _hparamsWritten;

    /// <summary>Opens a new event file in <paramref name="logDirectory"/> (created if missing).</summary>
    public TensorBoardLogger(string logDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        LogDirectory = logDirectory;
        Writer = new SummaryWriter(logDirectory);
    }

    /// <summary>The event-file directory.</summary>
    public string LogDirectory { get; }

    /// <summary>The writer, for histograms, text and images logged by callbacks (see <see cref="Callbacks.TensorBoardHistograms"/>).</summary>
    public SummaryWriter Writer { get; }

    /// <inheritdoc/>
    public void LogHyperparams(IReadOnlyDictionary<string, string> hyperparams)
    {
        ArgumentNullException.ThrowIfNull(hyperparams);
        // The HPARAMS tab needs the metric names, known at the first epoch row: written then.
        _hparams = new Dictionary<string, string>(hyperparams, StringComparer.Ordinal);
        _hparamsWritten = false;
    }

    /// <inheritdoc/>
    public void LogMetrics(IReadOnlyDictionary<string, double> metrics, long step)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        foreach (var (name, value) in metrics)
            if (name != "epoch") Writer.AddScalar(name, value, step);
        if (!_hparamsWritten && _hparams is { Count: > 0 } h && metrics.ContainsKey("epoch"))
        {
            Writer.AddHParams(h.ToDictionary(kv => kv.Key, kv => (object)kv.Value, StringComparer.Ordinal),
                metrics.Keys.Where(k => k != "epoch").ToArray());
            _hparamsWritten = true;
        }
    }

    /// <summary>
    /// A resumed fit: a session-start event at the step of the last epoch row in the checkpoint makes TensorBoard drop
    /// what a killed run logged after it (the resumed run logs those epochs again; per-step values logged between that
    /// row and a mid-epoch checkpoint are dropped too).
    /// </summary>
    public void Resume(IReadOnlyList<MetricsRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        Writer.AddSessionStart(history.Count > 0 ? history[^1].Step : 0);
    }

    /// <inheritdoc/>
    public void Finish() => Writer.Flush();

    /// <summary>Closes the event file.</summary>
    public void Dispose() => Writer.Dispose();
}
