using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tessera.Data;
using Tessera.IO;
using Tessera.Nn;
using Tessera.Optim;
using Tessera.Optim.Schedulers;

namespace Tessera.Training;

/// <summary>
/// A training checkpoint kept in ONE safetensors file: model tensors under "model.", the first optimizer's buffers
/// under "optim." and the i-th (i ≥ 1) under "optim{i}." (the flat form of <see cref="OptimizerStateDict.ToTensors"/>),
/// and everything else (epoch, step, schedulers, generator and data-loader state, the trainer's metrics history,
/// callback states, hyper-parameters) as JSON strings in the metadata. Writes are atomic (temporary file, flush,
/// rename), so a reader never sees a half-written checkpoint.
/// </summary>
public sealed partial class Checkpoint
{
    /// <summary>Prefix of model tensors in the file.</summary>
    public const string ModelPrefix = "model.";

    /// <summary>Prefix of the first optimizer's tensors in the file.</summary>
    public const string OptimizerPrefix = "optim.";

    /// <summary>Metadata value of "format", checked on load.</summary>
    public const string FormatName = "tessera.checkpoint.v1";

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Model state dictionary (parameters and persistent buffers by PyTorch-style name).</summary>
    public Dictionary<string, Tensor> Model { get; init; } = new(StringComparer.Ordinal);

    /// <summary>State of each optimizer, in order.</summary>
    public List<OptimizerStateDict> Optimizers { get; init; } = [];

    /// <summary>State of each learning-rate scheduler, in order.</summary>
    public List<LrSchedulerState> Schedulers { get; init; } = [];

    /// <summary>The first optimizer's state, or null when none was saved.</summary>
    public OptimizerStateDict? Optimizer => Optimizers.Count > 0 ? Optimizers[0] : null;

    /// <summary>The first scheduler's state, or null.</summary>
    public LrSchedulerState? Scheduler => Schedulers.Count > 0 ? Schedulers[0] : null;

    /// <summary>Random generator state (<see cref="Generator.GetState"/>), or null.</summary>
    public ulong[]? Generator { get; init; }

    /// <summary>Training data loader position (<see cref="DataLoader.GetState"/>), or null.</summary>
    public DataLoaderState? DataLoader { get; init; }

    /// <summary>Completed epochs.</summary>
    public int Epoch { get; init; }

    /// <summary>Completed optimizer steps.</summary>
    public long Step { get; init; }

    /// <summary>The <see cref="Trainer"/>'s own state (metrics history, running epoch sums) as JSON, or null.</summary>
    public string? TrainerState { get; init; }

    /// <summary>Callback states (JSON) by <see cref="Callbacks.Callback.StateKey"/>.</summary>
    public Dictionary<string, string> Callbacks { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The module's hyper-parameters (<see cref="TrainingModule.Hyperparameters"/>).</summary>
    public Dictionary<string, string> Hyperparameters { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Free-form extra metadata.</summary>
    public Dictionary<string, string> Extra { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Takes deep copies of the current training state.</summary>
    public static Checkpoint Capture(Module model, Optimizer? optimizer = null, LrSchedulerState? scheduler = null,
        Generator? generator = null, DataLoader? loader = null, int epoch = 0, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Checkpoint
        {
            Model = CopyState(model),
            Optimizers = optimizer is null ? [] : [optimizer.StateDict()],
            Schedulers = scheduler is null ? [] : [scheduler],
            Generator = generator?.GetState(),
            DataLoader = loader?.GetState(),
            Epoch = epoch,
            Step = step,
        };
    }

    internal static Dictionary<string, Tensor> CopyState(Module model)
    {
        var m = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in model.StateDict()) m[k] = v.Detach().Contiguous().Clone();
        return m;
    }

    /// <summary>
    /// Copies the saved state into live objects: model (strict), optimizer, generator and loader when both the
    /// object and the saved state are present. The scheduler state is returned in <see cref="Scheduler"/> for the
    /// caller to load (an <see cref="LrScheduler"/> and <see cref="ReduceLROnPlateau"/> differ in type).
    /// </summary>
    public void Restore(Module model, Optimizer? optimizer = null, Generator? generator = null, DataLoader? loader = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.LoadStateDict(Model, strict: true);
        if (optimizer is not null && Optimizer is not null) optimizer.LoadStateDict(Optimizer);
        if (generator is not null && Generator is not null) generator.SetState(Generator);
        if (loader is not null && DataLoader is { } d) loader.SetState(d);
    }

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically (temporary file, flush, rename).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (k, v) in Model) tensors.Add(new(ModelPrefix + k, v));
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
            ["step"] = Step.ToString(CultureInfo.InvariantCulture),
        };
        for (int i = 0; i < Optimizers.Count; i++)
        {
            string prefix = OptimizerPrefixOf(i);
            var (ot, om) = Optimizers[i].ToTensors();
            foreach (var (k, v) in ot) tensors.Add(new(prefix + k, v));
            foreach (var (k, v) in om) meta[prefix + k] = v;
        }
        for (int i = 0; i < Schedulers.Count; i++) meta[i == 0 ? "scheduler" : $"scheduler{i}"] = JsonSerializer.Serialize(Schedulers[i], Json);
        if (Generator is not null) meta["generator"] = JsonSerializer.Serialize(Generator);
        if (DataLoader is { } d) meta["dataloader"] = JsonSerializer.Serialize(new[] { d.Seed, (ulong)d.Epoch, (ulong)d.Position });
        if (TrainerState is not null) meta["trainer"] = TrainerState;
        foreach (var (k, v) in Callbacks) meta["callback." + k] = v;
        if (Hyperparameters.Count > 0) meta["hparams"] = JsonSerializer.Serialize(Hyperparameters);
        foreach (var (k, v) in Extra) meta["extra." + k] = v;
        // The writer is itself atomic; writing to our own temporary name first lets the kill-and-resume tests stop
        // the process between the complete temporary file and the rename.
        AtomicFile.Write(path, temp => SafeTensors.Save(tensors, temp, meta), flushed: true);
    }

    private static string OptimizerPrefixOf(int i) => i == 0 ? OptimizerPrefix : $"optim{i.ToString(CultureInfo.InvariantCulture)}.";

    /// <summary>Reads a checkpoint written by <see cref="Save"/>.</summary>
    /// <exception cref="FormatException">When the file is not a Tessera checkpoint or its metadata is missing or malformed (the message names the key).</exception>
    public static Checkpoint Load(string path)
    {
        // Copied, not mapped: the tensors are copied into the model and optimizer anyway, and a resumed run overwrites
        // this very file, which a live mapping would block on Windows.
        var all = SafeTensors.Load(path, out var meta, mapped: false);
        if (!meta.TryGetValue("format", out var fmt) || fmt != FormatName)
            throw new FormatException($"'{path}' is not a Tessera training checkpoint (metadata format is '{fmt ?? "missing"}', expected '{FormatName}').");
        var model = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var optT = new SortedDictionary<int, Dictionary<string, Tensor>>();
        foreach (var (k, v) in all)
        {
            if (k.StartsWith(ModelPrefix, StringComparison.Ordinal)) model[k[ModelPrefix.Length..]] = v;
            else if (OptimizerKey(k) is { } o) Bucket(optT, o.Index)[o.Key] = v;
            else throw new FormatException($"Unexpected tensor '{k}' in checkpoint '{path}'.");
        }
        var optM = new SortedDictionary<int, Dictionary<string, string>>();
        foreach (var (k, v) in meta)
            if (OptimizerKey(k) is { } o) Bucket(optM, o.Index)[o.Key] = v;
        var optimizers = new List<OptimizerStateDict>();
        for (int i = 0; i < optM.Count; i++)
        {
            if (!optM.TryGetValue(i, out var m)) throw new FormatException($"checkpoint '{path}': metadata of optimizer {i} is missing.");
            optimizers.Add(Parse(path, OptimizerPrefixOf(i) + "groups", () =>
                OptimizerStateDict.FromTensors(optT.TryGetValue(i, out var t) ? t : new(StringComparer.Ordinal), m)));
        }
        var schedulers = new List<LrSchedulerState>();
        for (int i = 0; ; i++)
        {
            string key = i == 0 ? "scheduler" : $"scheduler{i}";
            if (!meta.TryGetValue(key, out var sj)) break;
            schedulers.Add(Parse(path, key, () => JsonSerializer.Deserialize<LrSchedulerState>(sj, Json)));
        }
        DataLoaderState? dl = null;
        if (meta.TryGetValue("dataloader", out var dj))
        {
            dl = Parse(path, "dataloader", () =>
            {
                var a = JsonSerializer.Deserialize<ulong[]>(dj);
                if (a is not { Length: 3 }) throw new FormatException("expected [seed, epoch, position]");
                return (DataLoaderState?)new DataLoaderState(a[0], checked((int)a[1]), checked((int)a[2]));
            });
        }
        ulong[]? gen = meta.TryGetValue("generator", out var gj) ? Parse(path, "generator", () => JsonSerializer.Deserialize<ulong[]>(gj)) : null;
        var callbacks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in meta)
            if (k.StartsWith("callback.", StringComparison.Ordinal)) callbacks[k["callback.".Length..]] = v;
        var hparams = meta.TryGetValue("hparams", out var hj)
            ? Parse(path, "hparams", () => JsonSerializer.Deserialize<Dictionary<string, string>>(hj))
            : new Dictionary<string, string>();
        return new Checkpoint
        {
            Model = model,
            Optimizers = optimizers,
            Schedulers = schedulers,
            Generator = gen,
            DataLoader = dl,
            Epoch = Parse(path, "epoch", () => int.Parse(Required(meta, "epoch"), NumberStyles.None, CultureInfo.InvariantCulture)),
            Step = Parse(path, "step", () => long.Parse(Required(meta, "step"), NumberStyles.None, CultureInfo.InvariantCulture)),
            TrainerState = meta.GetValueOrDefault("trainer"),
            Callbacks = callbacks,
            Hyperparameters = new Dictionary<string, string>(hparams, StringComparer.Ordinal),
            Extra = meta.Where(kv => kv.Key.StartsWith("extra.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["extra.".Length..], kv => kv.Value, StringComparer.Ordinal),
        };
    }

    private static string Required(IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException("missing");

    /// <summary>Runs <paramref name="parse"/>; any failure or null becomes one FormatException naming the file and metadata key.</summary>
    internal static T Parse<T>(string path, string key, Func<T?> parse)
    {
        T? value;
        try
        {
            value = parse();
        }
        catch (KeyNotFoundException)
        {
            throw new FormatException($"checkpoint '{path}' has no \"{key}\" metadata.");
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new FormatException($"checkpoint '{path}': metadata \"{key}\" is malformed ({e.Message.TrimEnd('.')}).");
        }
        return value ?? throw new FormatException($"checkpoint '{path}': metadata \"{key}\" is null.");
    }

    private static (int Index, string Key)? OptimizerKey(string key)
    {
        if (key.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) return (0, key[OptimizerPrefix.Length..]);
        var m = IndexedOptimizer().Match(key);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int i) || i < 1) return null;
        return (i, key[m.Length..]);
    }

    private static Dictionary<string, T> Bucket<T>(SortedDictionary<int, Dictionary<string, T>> d, int i)
    {
        if (!d.TryGetValue(i, out var b)) d[i] = b = new Dictionary<string, T>(StringComparer.Ordinal);
        return b;
    }

    [GeneratedRegex(@"^optim([0-9]+)\.")]
    private static partial Regex IndexedOptimizer();
}
