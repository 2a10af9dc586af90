using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spectre.Console;

namespace Tessera.Training.Callbacks;

/// <summary>
/// Shows training progress. In a terminal: a Spectre.Console progress row per epoch (epoch, batch, loss, metrics,
/// samples/s, a bar and the time left) that stays within 80 columns, each finished epoch left as its summary. When
/// the output is redirected (or a writer is given): plain lines without ANSI codes, one every
/// <see cref="LogEveryNBatches"/> batches and one per epoch.
/// </summary>
public sealed class ProgressDisplay : Callback
{
    // Row budget: description + space + bar + space + time left ("00:00:00") stays within 80 columns.
    private const int DescriptionWidth = 56;
    private const int BarWidth = 12;
    private readonly TextWriter? _writer;
    private readonly IAnsiConsole? _console;
    private readonly bool _plain;
    private readonly Stopwatch _sinceUpdate = new();
    private TaskCompletionSource? _done;
    private Task? _render;
    private ProgressContext? _context;
    private ProgressTask? _task;

    /// <summary>
    /// A display on the console (plain when it is redirected), or plain lines on <paramref name="output"/>;
    /// <paramref name="logEveryNBatches"/> spaces the plain batch lines (0: epoch lines only).
    /// </summary>
    public ProgressDisplay(TextWriter? output = null, int logEveryNBatches = 100)
    {
        if (logEveryNBatches < 0) throw new ArgumentOutOfRangeException(nameof(logEveryNBatches), logEveryNBatches, $"logEveryNBatches must be 0 or more, got {logEveryNBatches}.");
        _writer = output;
        _plain = output is not null || Console.IsOutputRedirected;
        LogEveryNBatches = logEveryNBatches;
    }

    // A terminal display on a given console (tests render into a writer of a known width).
    internal ProgressDisplay(IAnsiConsole console)
    {
        _console = console;
        LogEveryNBatches = 100;
    }

    /// <summary>Batches between plain progress lines (0: none).</summary>
    public int LogEveryNBatches { get; }

    private TextWriter Out => _writer ?? Console.Out;

    /// <inheritdoc />
    public override void OnFitStart(Trainer trainer, TrainingModule module)
    {
        if (_plain) return;
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = new ManualResetEventSlim();
        _render = (_console ?? AnsiConsole.Console).Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = BarWidth }, new RemainingTimeColumn())
            .StartAsync(ctx =>
            {
                _context = ctx;
                ready.Set();
                return _done.Task;
            });
        ready.Wait();
    }

    /// <inheritdoc />
    public override void OnTrainEpochStart(Trainer trainer, TrainingModule module) => StartRow(trainer);

    // Also called for the first batch after a mid-epoch resume, which has no epoch start.
    private void StartRow(Trainer trainer)
    {
        if (_context is null) return;
        _task = _context.AddTask(Markup.Escape(Fit(BatchText(trainer))), maxValue: Math.Max(1, trainer.TrainLoader!.BatchesPerEpoch));
        _sinceUpdate.Restart();
    }

    /// <inheritdoc />
    public override void OnTrainBatchEnd(Trainer trainer, TrainingModule module, Data.Batch batch, int batchIndex)
    {
        if (_plain)
        {
            if (LogEveryNBatches > 0 && (batchIndex + 1) % LogEveryNBatches == 0) Out.WriteLine(BatchText(trainer));
            return;
        }
        if (_task is null) StartRow(trainer);
        if (_task is null) return;
        _task.Value = trainer.BatchIndex;
        // Text is rebuilt a few times a second, not per batch: formatting allocates.
        if (_sinceUpdate.ElapsedMilliseconds < 200) return;
        _task.Description = Markup.Escape(Fit(BatchText(trainer)));
        _sinceUpdate.Restart();
    }

    /// <inheritdoc />
    public override void OnTrainEpochEnd(Trainer trainer, TrainingModule module)
    {
        if (_plain)
        {
            Out.WriteLine(EpochText(trainer, compact: false));
            return;
        }
        if (_task is null) return;
        _task.Value = _task.MaxValue;
        _task.Description = Markup.Escape(Fit(EpochText(trainer, compact: true)));
        _task.StopTask();
        _task = null;
    }

    /// <inheritdoc />
    public override void OnFitEnd(Trainer trainer, TrainingModule module) => Stop();

    /// <inheritdoc />
    public override void OnException(Trainer trainer, TrainingModule module, Exception exception) => Stop();

    private void Stop()
    {
        if (_done is null) return;
        _done.TrySetResult();
        try { _render?.Wait(); }
        catch (AggregateException) { }
        _done = null;
        _render = null;
        _context = null;
        _task = null;
    }

    /// <summary>"epoch 1 batch 100/938 loss 0.4321 acc 0.8765 12345 samples/s" from the running epoch means.</summary>
    internal static string BatchText(Trainer trainer)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"epoch {trainer.Epoch + 1} batch {trainer.BatchIndex}/{trainer.BatchesPerEpoch}");
        foreach (var (k, v) in trainer.RunningMeans())
        {
            if (IsLr(k)) continue;
            sb.Append(' ').Append(Short(k)).Append(' ').Append(v.ToString("F4", inv));
        }
        sb.Append(inv, $" {trainer.EpochSamplesPerSecond:F0} samples/s");
        return sb.ToString();
    }

    /// <summary>"epoch 2/5 step 314 train_loss ... lr 0.01 12345 samples/s" from the last history row.</summary>
    internal static string EpochText(Trainer trainer, bool compact)
    {
        var inv = CultureInfo.InvariantCulture;
        var row = trainer.History[^1];
        var sb = new StringBuilder();
        sb.Append(inv, $"epoch {row.Epoch}/{trainer.MaxEpochs}");
        if (!compact) sb.Append(inv, $" step {row.Step}");
        // The terminal row has room for few values: the loss, then validation results, then other training means.
        var keys = row.Values.Keys.Where(k => k != "samples_per_s" && !IsLr(k));
        if (compact)
            keys = keys.OrderBy(k => k == "train_loss" ? 0 : k.StartsWith("train_", StringComparison.Ordinal) ? 2 : 1);
        foreach (var k in keys)
            sb.Append(' ').Append(compact ? Short(k) : k).Append(' ').Append(row.Values[k].ToString("F4", inv));
        if (!compact)
            foreach (var (k, v) in row.Values)
                if (IsLr(k)) sb.Append(' ').Append(k).Append(' ').Append(v.ToString("G6", inv));
        if (row.Values.TryGetValue("samples_per_s", out double sps)) sb.Append(inv, $" {sps:F0} samples/s");
        return sb.ToString();
    }

    private static bool IsLr(string name) => name == "lr" || name.StartsWith("lr-", StringComparison.Ordinal);

    private static string Short(string name) =>
        name == "train_loss" ? "loss" : name.StartsWith("train_", StringComparison.Ordinal) ? name["train_".Length..] : name;

    private static string Fit(string text) => text.Length <= DescriptionWidth ? text : text[..(DescriptionWidth - 1)] + "…";
}
