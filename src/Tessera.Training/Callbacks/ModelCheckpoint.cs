using System.Globalization;
using System.Text.Json.Nodes;
using Tessera.IO;

namespace Tessera.Training.Callbacks;

/// <summary>
/// Saves checkpoints into <see cref="DirPath"/>, as Lightning's <c>ModelCheckpoint</c>: with <see cref="SaveLast"/>,
/// after every <see cref="EveryNEpochs"/>-th epoch (and every <see cref="EveryNSteps"/> steps when set) the weights
/// file <c>{WeightsName}.safetensors</c> (the plain state dict of <see cref="TrainingModule.Model"/>) and then
/// <c>{LastName}.safetensors</c> (the full <see cref="Checkpoint"/>); with a <see cref="Monitor"/>, also the
/// <see cref="SaveTopK"/> best epochs as <c>epoch=E-step=S.safetensors</c>, deleting those that drop out.
/// Weights are written before the checkpoint, so they are never older than it; a resumed fit rewrites them from
/// the checkpoint it starts from.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly Dictionary<string, double> _bestK = new(StringComparer.Ordinal);
    private readonly int _everyNEpochs = 1;
    private readonly long? _everyNSteps;
    private long _lastSavedStep = -1;

    /// <summary>Checkpoints in <paramref name="dirPath"/>; <paramref name="monitor"/> (e.g. "val_loss") enables top-k.</summary>
    public ModelCheckpoint(string dirPath, string? monitor = null, MonitorMode mode = MonitorMode.Min, int saveTopK = 1, bool saveLast = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(dirPath);
        if (saveTopK < -1) throw new ArgumentOutOfRangeException(nameof(saveTopK), saveTopK, $"saveTopK must be -1 (all), 0 (none) or more, got {saveTopK}.");
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Unknown mode {mode}.");
        if (monitor is not null && monitor.Length == 0) throw new ArgumentException("monitor must not be empty.", nameof(monitor));
        DirPath = dirPath;
        Monitor = monitor;
        Mode = mode;
        SaveTopK = saveTopK;
        SaveLast = saveLast;
    }

    /// <summary>The folder checkpoints go to.</summary>
    public string DirPath { get; }

    /// <summary>The metric ranking top-k checkpoints, or null for none.</summary>
    public string? Monitor { get; }

    /// <summary>Whether lower or higher <see cref="Monitor"/> values are better.</summary>
    public MonitorMode Mode { get; }

    /// <summary>How many best checkpoints to keep (-1: all, 0: none).</summary>
    public int SaveTopK { get; }

    /// <summary>Whether to write the latest state as <see cref="LastName"/> (and the weights) every time.</summary>
    public bool SaveLast { get; }

    /// <summary>File name (without .safetensors) of the latest checkpoint. Default "checkpoint".</summary>
    public string LastName { get; init; } = "checkpoint";

    /// <summary>File name (without .safetensors) of the weights written with the latest checkpoint, or null for none. Default "model".</summary>
    public string? WeightsName { get; init; } = "model";

    /// <summary>Save after every this many epochs (default 1).</summary>
    public int EveryNEpochs
    {
        get => _everyNEpochs;
        init => _everyNEpochs = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(EveryNEpochs), value, $"EveryNEpochs must be at least 1, got {value}.");
    }

    /// <summary>Also save the latest state every this many optimizer steps inside an epoch, or null (default).</summary>
    public long? EveryNSteps
    {
        get => _everyNSteps;
        init => _everyNSteps = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(EveryNSteps), value, $"EveryNSteps must be at least 1, got {value}.");
    }

    /// <summary>Path of the latest checkpoint.</summary>
    public string LastPath => Path.Combine(DirPath, LastName + ".safetensors");

    /// <summary>Path of the weights file, or null.</summary>
    public string? WeightsPath => WeightsName is null ? null : Path.Combine(DirPath, WeightsName + ".safetensors");

    /// <summary>The kept top-k checkpoints and their scores.</summary>
    public IReadOnlyDictionary<string, double> BestKModels => _bestK;

    /// <summary>The best top-k checkpoint, or null.</summary>
    public string? BestModelPath { get; private set; }

    /// <inheritdoc />
    public override string StateKey => $"ModelCheckpoint{{monitor={Monitor ?? "none"},mode={Mode.ToString().ToLowerInvariant()}}}";

    /// <inheritdoc />
    public override void OnFitStart(Trainer trainer, TrainingModule module)
    {
        Directory.CreateDirectory(DirPath);
        AtomicFile.RemoveStaleTemps(DirPath);
        _lastSavedStep = trainer.GlobalStep;
        // The weights may be older or newer than the checkpoint we resume from (a kill between the two writes):
        // make them the checkpoint's before anything else happens.
        if (trainer.Resumed && SaveLast && WeightsPath is { } w) SaveWeights(module, w);
    }

    /// <inheritdoc />
    public override void OnTrainBatchEnd(Trainer trainer, TrainingModule module, Data.Batch batch, int batchIndex)
    {
        if (_everyNSteps is not { } n || !SaveLast || trainer.GlobalStep == _lastSavedStep || trainer.GlobalStep % n != 0) return;
        if (trainer.BatchIndex >= trainer.BatchesPerEpoch) return;   // the epoch end saves this one
        SaveLastFiles(trainer, module);
    }

    /// <inheritdoc />
    public override void OnTrainEpochEnd(Trainer trainer, TrainingModule module)
    {
        if (trainer.Epoch % _everyNEpochs != 0) return;
        if (Monitor is not null && SaveTopK != 0 && Callbacks.Monitor.Read(trainer, Monitor, nameof(ModelCheckpoint)) is { } v) SaveTopKFile(trainer, v);
        if (SaveLast) SaveLastFiles(trainer, module);
    }

    private void SaveTopKFile(Trainer trainer, double value)
    {
        if (double.IsNaN(value)) return;
        string path = Path.Combine(DirPath, string.Create(CultureInfo.InvariantCulture, $"epoch={trainer.Epoch}-step={trainer.GlobalStep}.safetensors"));
        string? evict = null;
        if (SaveTopK != -1 && _bestK.Count >= SaveTopK)
        {
            var worst = _bestK.Aggregate((a, b) => Callbacks.Monitor.Better(Mode, a.Value, b.Value) ? b : a);
            if (!Callbacks.Monitor.Better(Mode, value, worst.Value)) return;
            _bestK.Remove(worst.Key);
            evict = worst.Key;
        }
        _bestK[path] = value;
        BestModelPath = _bestK.Aggregate((a, b) => Callbacks.Monitor.Better(Mode, b.Value, a.Value) ? b : a).Key;
        trainer.SaveCheckpoint(path);
        if (evict is not null && evict != path) File.Delete(evict);
    }

    private void SaveLastFiles(Trainer trainer, TrainingModule module)
    {
        if (WeightsPath is { } w) SaveWeights(module, w);
        trainer.SaveCheckpoint(LastPath);
        _lastSavedStep = trainer.GlobalStep;
    }

    private static void SaveWeights(TrainingModule module, string path)
    {
        var state = module.Model.StateDict();
        AtomicFile.Write(path, temp => SafeTensors.Save(state, temp), flushed: true);
    }

    /// <inheritdoc />
    public override JsonNode? StateDict()
    {
        var best = new JsonObject();
        foreach (var (k, v) in _bestK) best[k] = v.ToString("R", CultureInfo.InvariantCulture);
        return new JsonObject { ["best_k_models"] = best, ["best_model_path"] = BestModelPath };
    }

    /// <inheritdoc />
    public override void LoadStateDict(JsonNode state)
    {
        _bestK.Clear();
        foreach (var (k, v) in state["best_k_models"]!.AsObject())
            _bestK[k] = double.Parse(v!.GetValue<string>(), CultureInfo.InvariantCulture);
        BestModelPath = state["best_model_path"]?.GetValue<string>();
    }
}
