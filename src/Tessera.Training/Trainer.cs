using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Data;
using Tessera.Optim;
using Tessera.Training.Callbacks;
using Tessera.Training.Loggers;

namespace Tessera.Training;

/// <summary>
/// The engineering of a training run, as Lightning's <c>Trainer</c>: runs a <see cref="TrainingModule"/> over a
/// training <see cref="DataLoader"/> for <see cref="MaxEpochs"/> epochs (or <see cref="MaxSteps"/> optimizer steps),
/// with validation every <see cref="CheckValEveryNEpochs"/> epochs or <see cref="ValCheckEveryNSteps"/> steps,
/// gradient accumulation and clipping, learning-rate schedulers, callbacks, loggers and checkpoints that resume
/// bit-identically (<c>Fit(..., ckptPath)</c>).
/// <code>
/// var trainer = new Trainer { MaxEpochs = 3, RunDirectory = "runs/lit" };
/// trainer.Fit(new LitNet(), trainLoader, valLoader);
/// </code>
/// </summary>
/// <remarks>
/// Every training step runs in its own <see cref="TensorScope"/> and reads the loss once (to report it and to stop on
/// NaN/infinity); values the module logs are read when logged. Metrics are kept per epoch as means weighted by batch
/// size (<see cref="History"/>). Stopping early (<see cref="MaxSteps"/>, <see cref="ShouldStop"/>) ends the current
/// epoch at that step: it is validated, recorded and checkpointed, and a resumed run starts the next epoch.
/// With a <see cref="RunDirectory"/>, the trainer writes there (unless told otherwise) metrics.csv
/// (<see cref="CsvLogger"/>), then model.safetensors, then checkpoint.safetensors (<see cref="ModelCheckpoint"/>),
/// each atomically, in that order after every epoch; temporary files of an interrupted write are removed when the
/// next fit starts, and a resumed fit rewrites metrics.csv and model.safetensors from the checkpoint first.
/// </remarks>
public sealed class Trainer
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly int _maxEpochs = 1000;
    private readonly long _maxSteps = -1;
    private readonly int _checkValEveryNEpochs = 1;
    private readonly long? _valCheckEveryNSteps;
    private readonly double _validationSplit;
    private readonly int _accumulate = 1;
    private readonly double? _clipValue, _clipNorm;
    private readonly Precision _precision = Precision.Float32;
    private readonly int _logEveryNSteps = 50;

    private readonly MetricAccumulator _train = new();
    private readonly MetricAccumulator _eval = new();
    private MetricAccumulator _stage;
    private readonly List<MetricsRecord> _history = [];
    private readonly Dictionary<string, double> _callbackMetrics = new(StringComparer.Ordinal);
    private readonly Stopwatch _epochClock = new();
    private List<Callback> _active = [];
    private List<ITrainingLogger> _loggers = [];
    // Arrays, not interfaces: the per-step loops over them must not allocate enumerators.
    private Optimizer[] _optimizers = [];
    private SchedulerConfig[] _schedulers = [];
    private List<Tensor> _params = [];
    private Dictionary<string, double>? _epochValidation;
    private double _epochSecondsBefore;
    private long _epochSamples;
    private long _lastValStep = -1;
    private int _batchSize = 1;

    /// <summary>A trainer; set options with an object initializer.</summary>
    public Trainer() => _stage = _train;

    /// <summary>Epochs to train (a resumed run continues up to this count). Default 1000, as Lightning.</summary>
    public int MaxEpochs
    {
        get => _maxEpochs;
        init => _maxEpochs = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxEpochs), value, $"MaxEpochs must be at least 1, got {value}.");
    }

    /// <summary>Optimizer steps to train at most, or -1 (default) for no limit.</summary>
    public long MaxSteps
    {
        get => _maxSteps;
        init => _maxSteps = value == -1 || value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxSteps), value, $"MaxSteps must be -1 (no limit) or at least 1, got {value}.");
    }

    /// <summary>Validate at the end of every this many epochs (default 1).</summary>
    public int CheckValEveryNEpochs
    {
        get => _checkValEveryNEpochs;
        init => _checkValEveryNEpochs = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(CheckValEveryNEpochs), value, $"CheckValEveryNEpochs must be at least 1, got {value}.");
    }

    /// <summary>Also validate every this many optimizer steps inside an epoch, or null (default) for epoch ends only.</summary>
    public long? ValCheckEveryNSteps
    {
        get => _valCheckEveryNSteps;
        init => _valCheckEveryNSteps = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(ValCheckEveryNSteps), value, $"ValCheckEveryNSteps must be at least 1, got {value}.");
    }

    /// <summary>
    /// Fraction of the training dataset held out for validation when <c>Fit</c> gets no validation loader (0, the
    /// default: none). The split is a seeded permutation (<see cref="Seed"/>, or 0), so a resumed run gets the same split.
    /// </summary>
    public double ValidationSplit
    {
        get => _validationSplit;
        init => _validationSplit = value >= 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(nameof(ValidationSplit), value, $"ValidationSplit must be in [0, 1), got {value}.");
    }

    /// <summary>Batches whose gradients are summed (each loss divided by this count) before one optimizer step. Default 1.</summary>
    public int AccumulateGradBatches
    {
        get => _accumulate;
        init => _accumulate = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(AccumulateGradBatches), value, $"AccumulateGradBatches must be at least 1, got {value}.");
    }

    /// <summary>Clamp every gradient element to ±this value before each optimizer step (<see cref="GradClip.ClipGradValue"/>), or null.</summary>
    public double? GradientClipValue
    {
        get => _clipValue;
        init => _clipValue = value is null || (double.IsFinite(value.Value) && value > 0) ? value
            : throw new ArgumentOutOfRangeException(nameof(GradientClipValue), value, $"GradientClipValue must be a finite number > 0, got {value}.");
    }

    /// <summary>Scale gradients to a total 2-norm of at most this value before each optimizer step (<see cref="GradClip.ClipGradNorm"/>), or null.</summary>
    public double? GradientClipNorm
    {
        get => _clipNorm;
        init => _clipNorm = value is null || (double.IsFinite(value.Value) && value > 0) ? value
            : throw new ArgumentOutOfRangeException(nameof(GradientClipNorm), value, $"GradientClipNorm must be a finite number > 0, got {value}.");
    }

    /// <summary>Seeds <see cref="Generator.Default"/> when a fresh fit starts (a resumed fit restores the generator instead), and the validation split.</summary>
    public ulong? Seed { get; init; }

    /// <summary>The training precision; only <see cref="Precision.Float32"/> is supported in this release.</summary>
    /// <exception cref="NotSupportedException">For the mixed precisions, which a later release adds.</exception>
    public Precision Precision
    {
        get => _precision;
        init
        {
            if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(nameof(Precision), value, $"Unknown precision {value}.");
            if (value != Precision.Float32)
                throw new NotSupportedException($"Precision {value} is not supported yet: this release trains in Float32 only; a later release adds {value}.");
            _precision = value;
        }
    }

    /// <summary>Callbacks, called in this order (checkpointing after the others, progress last).</summary>
    public IList<Callback> Callbacks { get; } = new List<Callback>();

    /// <summary>Loggers that receive hyper-parameters, per-step values (every <see cref="LogEveryNSteps"/> steps, names suffixed "_step") and epoch rows (with an "epoch" entry).</summary>
    public IList<ITrainingLogger> Loggers { get; } = new List<ITrainingLogger>();

    /// <summary>
    /// The run folder, or null for none. When set, the trainer adds a <see cref="CsvLogger"/> for metrics.csv and a
    /// <see cref="ModelCheckpoint"/> for checkpoint.safetensors and model.safetensors there unless you supply your own.
    /// </summary>
    public string? RunDirectory { get; init; }

    /// <summary>Add the default <see cref="ModelCheckpoint"/> in <see cref="RunDirectory"/> when none is given (default true).</summary>
    public bool EnableCheckpointing { get; init; } = true;

    /// <summary>Add a <see cref="ProgressDisplay"/> when none is given (default true).</summary>
    public bool EnableProgressBar { get; init; } = true;

    /// <summary>Send the last logged values to the loggers every this many optimizer steps (0: epoch rows only). Default 50.</summary>
    public int LogEveryNSteps
    {
        get => _logEveryNSteps;
        init => _logEveryNSteps = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(LogEveryNSteps), value, $"LogEveryNSteps must be 0 or more, got {value}.");
    }

    /// <summary>Stop with a <see cref="NonFiniteLossException"/> when a training loss is NaN or infinite, before its update (default true).</summary>
    public bool StopOnNonFiniteLoss { get; init; } = true;

    /// <summary>The module being run, or null before the first fit/validate/test/predict.</summary>
    public TrainingModule? Module { get; private set; }

    /// <summary>The training loader of the current fit.</summary>
    public DataLoader? TrainLoader { get; private set; }

    /// <summary>The validation loader of the current fit, or null.</summary>
    public DataLoader? ValLoader { get; private set; }

    /// <summary>The optimizers from <see cref="TrainingModule.ConfigureOptimizers"/>.</summary>
    public IReadOnlyList<Optimizer> Optimizers => _optimizers;

    /// <summary>The schedulers from <see cref="TrainingModule.ConfigureOptimizers"/>.</summary>
    public IReadOnlyList<SchedulerConfig> Schedulers => _schedulers;

    /// <summary>The callbacks in the order they are called (including the defaults the trainer added).</summary>
    public IReadOnlyList<Callback> ActiveCallbacks => _active;

    /// <summary>Completed epochs.</summary>
    public int Epoch { get; private set; }

    /// <summary>Completed optimizer steps.</summary>
    public long GlobalStep { get; private set; }

    /// <summary>Batches of the current epoch done.</summary>
    public int BatchIndex { get; private set; }

    /// <summary>Batches in a training epoch.</summary>
    public int BatchesPerEpoch { get; private set; }

    /// <summary>Set by a callback to end training after the current optimizer step (the epoch ends there).</summary>
    public bool ShouldStop { get; set; }

    /// <summary>True when the current fit was resumed from a checkpoint.</summary>
    public bool Resumed { get; private set; }

    /// <summary>The loss of the last training batch.</summary>
    public double LastLoss { get; private set; } = double.NaN;

    /// <summary>One row per completed epoch (restored from the checkpoint on resume).</summary>
    public IReadOnlyList<MetricsRecord> History => _history;

    /// <summary>The latest epoch means and validation results by name (what monitors read).</summary>
    public IReadOnlyDictionary<string, double> CallbackMetrics => _callbackMetrics;

    /// <summary>Whether the current (or just finished) epoch has been validated.</summary>
    public bool ValidatedThisEpoch => _epochValidation is not null;

    /// <summary>Training examples per second in the current epoch so far.</summary>
    public double EpochSamplesPerSecond => _epochSamples / Math.Max(1e-9, _epochSecondsBefore + _epochClock.Elapsed.TotalSeconds);

    /// <summary>The running epoch mean of a training value (e.g. "train_loss"), or NaN.</summary>
    public double RunningMean(string name) => _train.Mean(name);

    /// <summary>Running epoch means of every training value, in logging order.</summary>
    public IEnumerable<KeyValuePair<string, double>> RunningMeans()
    {
        foreach (var e in _train.Entries)
            if (e.Weight > 0) yield return new(e.Name, e.Mean);
    }

    /// <summary>Adds <paramref name="value"/> with <paramref name="weight"/> to the current stage's means (for callbacks; modules use Log).</summary>
    public void LogMetric(string name, double value, double weight = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _stage.Add(name, value, weight);
    }

    internal void LogFromStep(string name, double value) => _stage.Add(name, value, _batchSize);

    // One read of a 0-d tensor; float losses skip ItemAsDouble's conversion to a float64 tensor.
    internal static double ReadScalar(Tensor t) => t.DType switch
    {
        DType.Float32 => t.Item<float>(),
        DType.Float64 => t.Item<double>(),
        _ => t.ItemAsDouble(),
    };

    /// <summary>
    /// Trains <paramref name="module"/> on <paramref name="train"/>, validating on <paramref name="val"/> (or on a
    /// <see cref="ValidationSplit"/> of the training data), from scratch or from the checkpoint at <paramref name="ckptPath"/>.
    /// </summary>
    /// <exception cref="NonFiniteLossException">When a loss is NaN or infinite and <see cref="StopOnNonFiniteLoss"/> is set.</exception>
    /// <exception cref="FormatException">When the checkpoint is malformed.</exception>
    public void Fit(TrainingModule module, DataLoader train, DataLoader? val = null, string? ckptPath = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(train);
        if (ValidationSplit > 0)
        {
            if (val is not null) throw new ArgumentException("Give either a validation loader or a ValidationSplit, not both.", nameof(val));
            (train, val) = Split(train);
        }
        Attach(module);
        TrainLoader = train;
        ValLoader = val;
        var config = module.ConfigureOptimizers() ?? throw new InvalidOperationException($"{module.GetType().Name}.ConfigureOptimizers returned null.");
        _optimizers = [.. config.Optimizers];
        _schedulers = [.. config.Schedulers];
        _params = _optimizers.SelectMany(o => o.Parameters).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>().ToList();
        ResetState();
        BuildCallbacksAndLoggers();
        if (RunDirectory is not null)
        {
            Directory.CreateDirectory(RunDirectory);
            AtomicFile.RemoveStaleTemps(RunDirectory);
        }
        try
        {
            if (ckptPath is not null) LoadCheckpoint(ckptPath);
            else if (Seed is { } seed) Generator.Default.ManualSeed(seed);
            foreach (var o in _optimizers) o.ZeroGrad();
            foreach (var l in _loggers)
            {
                l.LogHyperparams(module.Hyperparameters);
                if (Resumed) l.Resume(_history);
            }
            CallHook(HookKind.FitStart);
            while (!Done) RunEpoch(module);
            CallHook(HookKind.FitEnd);
        }
        catch (Exception e)
        {
            CallHook(HookKind.Exception, error: e);
            throw;
        }
        finally
        {
            foreach (var l in _loggers) l.Finish();
            module.Train();
        }
    }

    /// <summary>Runs <see cref="TrainingModule.ValidationStep"/> over <paramref name="loader"/> (weights from <paramref name="ckptPath"/> when given); returns the means.</summary>
    public IReadOnlyDictionary<string, double> Validate(TrainingModule module, DataLoader loader, string? ckptPath = null) => Evaluate(module, loader, ckptPath, test: false);

    /// <summary>Runs <see cref="TrainingModule.TestStep"/> over <paramref name="loader"/> (weights from <paramref name="ckptPath"/> when given); returns the means.</summary>
    public IReadOnlyDictionary<string, double> Test(TrainingModule module, DataLoader loader, string? ckptPath = null) => Evaluate(module, loader, ckptPath, test: true);

    /// <summary>The outputs of <see cref="TrainingModule.PredictStep"/> for every batch of <paramref name="loader"/>, in order.</summary>
    public IReadOnlyList<Tensor> Predict(TrainingModule module, DataLoader loader, string? ckptPath = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(loader);
        Attach(module);
        if (ckptPath is not null) WeightsLoader.Load(module.Model, ckptPath);
        var outputs = new List<Tensor>();
        bool wasTraining = module.Training;
        module.Eval();
        try
        {
            Rewind(loader);
            using (GradMode.NoGrad())
            {
                int i = 0;
                foreach (var b in loader)
                {
                    using (var scope = TensorScope.Begin())
                    {
                        _batchSize = b.Size;
                        outputs.Add(scope.Keep(module.PredictStep(b, i++)));
                    }
                    b.Dispose();
                }
            }
        }
        catch (Exception e)
        {
            CallHook(HookKind.Exception, error: e);
            throw;
        }
        finally
        {
            module.Train(wasTraining);
        }
        return outputs;
    }

    /// <summary>Writes the full training state (see <see cref="Checkpoint"/>) to <paramref name="path"/> atomically.</summary>
    public void SaveCheckpoint(string path)
    {
        var module = Module ?? throw new InvalidOperationException("SaveCheckpoint needs a module: call it during Fit.");
        var callbacks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in _active)
            if (c.StateDict() is { } s) callbacks[c.StateKey] = s.ToJsonString();
        var ck = new Checkpoint
        {
            Model = new Dictionary<string, Tensor>(module.Model.StateDict(), StringComparer.Ordinal),
            Optimizers = _optimizers.Select(o => o.StateDict()).ToList(),
            Schedulers = _schedulers.Select(s => s.StateDict()).ToList(),
            Generator = Generator.Default.GetState(),
            DataLoader = TrainLoader?.GetState(),
            Epoch = Epoch,
            Step = GlobalStep,
            TrainerState = JsonSerializer.Serialize(CaptureState(), Json),
            Callbacks = callbacks,
            Hyperparameters = new Dictionary<string, string>(module.Hyperparameters, StringComparer.Ordinal),
        };
        CallHook(HookKind.SaveCheckpoint, checkpoint: ck);
        ck.Save(path);
    }

    private bool Done => ShouldStop || Epoch >= MaxEpochs || (MaxSteps >= 0 && GlobalStep >= MaxSteps);

    private void Attach(TrainingModule module)
    {
        Module = module;
        module.Trainer = this;
    }

    private void ResetState()
    {
        Epoch = 0;
        GlobalStep = 0;
        BatchIndex = 0;
        ShouldStop = false;
        Resumed = false;
        LastLoss = double.NaN;
        _history.Clear();
        _callbackMetrics.Clear();
        _train.Load(new Dictionary<string, double[]>());
        _train.Ensure("train_loss");   // the loss leads every row, whatever the module logs first
        _epochValidation = null;
        _epochSecondsBefore = 0;
        _epochSamples = 0;
        _lastValStep = -1;
    }

    private void BuildCallbacksAndLoggers()
    {
        var all = Callbacks.ToList();
        if (EnableCheckpointing && RunDirectory is not null && !all.OfType<ModelCheckpoint>().Any()) all.Add(new ModelCheckpoint(RunDirectory));
        if (EnableProgressBar && !all.OfType<ProgressDisplay>().Any()) all.Add(new ProgressDisplay());
        _active = [.. all.Where(c => c is not ModelCheckpoint and not ProgressDisplay), .. all.OfType<ModelCheckpoint>(), .. all.OfType<ProgressDisplay>()];
        var dup = _active.GroupBy(c => c.StateKey, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"Two callbacks have the state key '{dup.Key}'; give them distinct StateKey values.");
        _loggers = [.. Loggers];
        if (RunDirectory is not null && !_loggers.OfType<CsvLogger>().Any()) _loggers.Add(new CsvLogger(Path.Combine(RunDirectory, "metrics.csv")));
    }

    private void RunEpoch(TrainingModule module)
    {
        var loader = TrainLoader!;
        BatchesPerEpoch = loader.BatchesPerEpoch;
        bool midEpoch = BatchIndex > 0;
        if (!midEpoch)
        {
            _train.Reset();
            _epochSamples = 0;
            _epochSecondsBefore = 0;
            _epochValidation = null;
        }
        module.Train();
        _stage = _train;
        if (!midEpoch) CallHook(HookKind.TrainEpochStart);
        _epochClock.Restart();
        int batchIndex = BatchIndex;
        foreach (var batch in loader)
        {
            bool last = batchIndex + 1 == BatchesPerEpoch;
            bool step = (batchIndex + 1) % _accumulate == 0 || last;
            TrainBatch(module, batch, batchIndex, step);
            _epochSamples += batch.Size;
            BatchIndex = ++batchIndex;
            if (step) AfterOptimizerStep();
            CallHook(HookKind.TrainBatchEnd, batch, batchIndex - 1);
            batch.Dispose();   // its buffers go back to the pool for the loader's next batches
            if (step && (ShouldStop || (MaxSteps >= 0 && GlobalStep >= MaxSteps))) break;
            if (step && !last && ValCheckEveryNSteps is { } n && GlobalStep % n == 0 && ValLoader is not null)
            {
                _epochClock.Stop();
                RunValidation(module);
                _stage = _train;
                _epochClock.Start();
            }
        }
        _epochClock.Stop();
        _epochSecondsBefore += _epochClock.Elapsed.TotalSeconds;
        _epochClock.Reset();
        // Stopping early ends this epoch: the next (resumed) run starts a fresh one.
        if (batchIndex < BatchesPerEpoch) loader.SetState(new DataLoaderState(loader.Seed, loader.Epoch + 1, 0));
        EndEpoch(module);
    }

    private void TrainBatch(TrainingModule module, Batch batch, int batchIndex, bool step)
    {
        using (TensorScope.Begin())   // frees this step's temporaries, even when the step throws
        {
            _batchSize = batch.Size;
            var loss = module.TrainingStep(batch, batchIndex)
                ?? throw new InvalidOperationException($"{module.GetType().Name}.TrainingStep returned null.");
            double value = ReadScalar(loss);
            if (!double.IsFinite(value) && StopOnNonFiniteLoss) throw new NonFiniteLossException(value, Epoch + 1, batchIndex, GlobalStep);
            LastLoss = value;
            _train.Add("train_loss", value, _batchSize);
            (_accumulate > 1 ? loss.Div(_accumulate) : loss).Backward();
            if (step)
            {
                if (_clipValue is { } cv) GradClip.ClipGradValue(_params, cv);
                if (_clipNorm is { } cn) GradClip.ClipGradNorm(_params, cn);
                CallHook(HookKind.BeforeOptimizerStep);
                foreach (var o in _optimizers)
                {
                    o.Step();
                    o.ZeroGrad();
                }
            }
        }
    }

    private void AfterOptimizerStep()
    {
        GlobalStep++;
        foreach (var s in _schedulers)
            if (s.Interval == SchedulerInterval.Step && GlobalStep % s.Frequency == 0) StepScheduler(s);
        if (_logEveryNSteps > 0 && _loggers.Count > 0 && GlobalStep % _logEveryNSteps == 0)
        {
            var d = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var e in _train.Entries)
                if (e.Weight > 0) d[e.Name + "_step"] = e.Last;
            foreach (var l in _loggers) l.LogMetrics(d, GlobalStep);
        }
    }

    private void StepScheduler(SchedulerConfig s)
    {
        if (s.Scheduler is not null)
        {
            s.Scheduler.Step();
            return;
        }
        if (!_callbackMetrics.TryGetValue(s.Monitor!, out double v))
            throw new InvalidOperationException($"ReduceLROnPlateau monitors '{s.Monitor}', which was not logged; logged metrics: {string.Join(", ", _callbackMetrics.Keys)}.");
        s.Plateau!.Step(v);
    }

    private void EndEpoch(TrainingModule module)
    {
        if (ValLoader is not null && (Epoch + 1) % _checkValEveryNEpochs == 0 && _lastValStep != GlobalStep) RunValidation(module);
        _stage = _train;
        var row = new Dictionary<string, double>(StringComparer.Ordinal);
        _train.CopyMeans(row);
        foreach (var (k, v) in row) _callbackMetrics[k] = v;
        foreach (var s in _schedulers)
            if (s.Interval == SchedulerInterval.Epoch && (Epoch + 1) % s.Frequency == 0) StepScheduler(s);
        Epoch++;
        BatchIndex = 0;
        if (_epochValidation is not null)
            foreach (var (k, v) in _epochValidation) row[k] = v;
        row["samples_per_s"] = _epochSamples / Math.Max(1e-9, _epochSecondsBefore);
        _callbackMetrics["samples_per_s"] = row["samples_per_s"];
        _history.Add(new MetricsRecord(Epoch, GlobalStep, row));
        if (_loggers.Count > 0)
        {
            var logged = new Dictionary<string, double>(StringComparer.Ordinal) { ["epoch"] = Epoch };
            foreach (var (k, v) in row) logged[k] = v;
            foreach (var l in _loggers) l.LogMetrics(logged, GlobalStep);
        }
        CallHook(HookKind.TrainEpochEnd);
    }

    private void RunValidation(TrainingModule module)
    {
        var means = RunEval(module, ValLoader!, test: false);
        _epochValidation = means;
        _lastValStep = GlobalStep;
        foreach (var (k, v) in means) _callbackMetrics[k] = v;
        if (BatchIndex > 0 && BatchIndex < BatchesPerEpoch)
            foreach (var l in _loggers) l.LogMetrics(means, GlobalStep);   // mid-epoch: the epoch row logs end-of-epoch results
        CallHook(HookKind.ValidationEnd);
    }

    private Dictionary<string, double> RunEval(TrainingModule module, DataLoader loader, bool test)
    {
        var previous = _stage;
        _eval.Reset();
        _stage = _eval;
        bool wasTraining = module.Training;
        module.Eval();
        try
        {
            Rewind(loader);
            using (GradMode.NoGrad())
            {
                int i = 0;
                foreach (var b in loader)
                {
                    using (TensorScope.Begin())
                    {
                        _batchSize = b.Size;
                        if (test) module.TestStep(b, i);
                        else module.ValidationStep(b, i);
                    }
                    b.Dispose();
                    i++;
                }
            }
        }
        finally
        {
            module.Train(wasTraining);
            _stage = previous;
        }
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        _eval.CopyMeans(means);
        return means;
    }

    // An evaluation pass always covers the whole loader, even after an earlier pass stopped part-way.
    private static void Rewind(DataLoader loader)
    {
        if (loader.Position > 0 && loader.Position < loader.BatchesPerEpoch) loader.SetState(new DataLoaderState(loader.Seed, loader.Epoch, 0));
    }

    private IReadOnlyDictionary<string, double> Evaluate(TrainingModule module, DataLoader loader, string? ckptPath, bool test)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(loader);
        Attach(module);
        if (_active.Count == 0) BuildCallbacksAndLoggers();
        try
        {
            if (ckptPath is not null) WeightsLoader.Load(module.Model, ckptPath);
            var means = RunEval(module, loader, test);
            foreach (var (k, v) in means) _callbackMetrics[k] = v;
            return means;
        }
        catch (Exception e)
        {
            CallHook(HookKind.Exception, error: e);
            throw;
        }
    }

    private TrainerState CaptureState() => new()
    {
        Epoch = Epoch,
        Step = GlobalStep,
        BatchInEpoch = BatchIndex,
        EpochSamples = _epochSamples,
        EpochSeconds = _epochSecondsBefore + _epochClock.Elapsed.TotalSeconds,
        History = _history.Select(r => new TrainerState.Row { Epoch = r.Epoch, Step = r.Step, Values = new Dictionary<string, double>(r.Values) }).ToList(),
        Running = _train.Save(),
        EpochValidation = _epochValidation is null ? null : new Dictionary<string, double>(_epochValidation),
        CallbackMetrics = new Dictionary<string, double>(_callbackMetrics),
        LastValStep = _lastValStep,
    };

    private void LoadCheckpoint(string path)
    {
        var module = Module!;
        var ck = Checkpoint.Load(path);
        module.Model.LoadStateDict(ck.Model, strict: true);
        if (ck.Optimizers.Count != _optimizers.Length)
            throw new FormatException($"checkpoint '{path}' holds {ck.Optimizers.Count} optimizer state(s), but ConfigureOptimizers returned {_optimizers.Length} optimizer(s).");
        for (int i = 0; i < _optimizers.Length; i++) _optimizers[i].LoadStateDict(ck.Optimizers[i]);
        if (ck.Schedulers.Count != _schedulers.Length)
            throw new FormatException($"checkpoint '{path}' holds {ck.Schedulers.Count} scheduler state(s), but ConfigureOptimizers returned {_schedulers.Length} scheduler(s).");
        for (int i = 0; i < _schedulers.Length; i++) _schedulers[i].LoadStateDict(ck.Schedulers[i]);
        if (ck.Generator is { } g) Generator.Default.SetState(g);
        if (ck.DataLoader is { } d) TrainLoader!.SetState(d);
        if (ck.TrainerState is { } ts)
        {
            var s = Checkpoint.Parse(path, "trainer", () => JsonSerializer.Deserialize<TrainerState>(ts, Json)?.Validated());
            Epoch = s.Epoch;
            GlobalStep = s.Step;
            BatchIndex = s.BatchInEpoch;
            _epochSamples = s.EpochSamples;
            _epochSecondsBefore = s.EpochSeconds;
            foreach (var r in s.History) _history.Add(new MetricsRecord(r.Epoch, r.Step, r.Values));
            _train.Load(s.Running);
            _epochValidation = s.EpochValidation;
            foreach (var (k, v) in s.CallbackMetrics) _callbackMetrics[k] = v;
            _lastValStep = s.LastValStep;
        }
        else
        {
            Epoch = ck.Epoch;
            GlobalStep = ck.Step;
        }
        foreach (var c in _active)
        {
            if (!ck.Callbacks.TryGetValue(c.StateKey, out var json)) continue;
            var node = Checkpoint.Parse(path, "callback." + c.StateKey, () => JsonNode.Parse(json));
            try
            {
                c.LoadStateDict(node);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
            {
                throw new FormatException($"checkpoint '{path}': metadata \"callback.{c.StateKey}\" is malformed ({e.Message.TrimEnd('.')}).");
            }
        }
        Resumed = true;
        CallHook(HookKind.LoadCheckpoint, checkpoint: ck);
    }

    private (DataLoader Train, DataLoader Val) Split(DataLoader train)
    {
        int n = train.Dataset.Count;
        int nVal = (int)Math.Round(n * ValidationSplit);
        if (nVal < 1 || nVal >= n)
            throw new ArgumentException($"ValidationSplit {ValidationSplit} of {n} examples leaves {nVal} for validation and {n - nVal} for training; both need at least one.");
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        var g = new Generator(Seed ?? 0);
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)g.NextInt64(0, i + 1);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        var valIdx = perm[..nVal];
        var trainIdx = perm[nVal..];
        Array.Sort(valIdx);
        Array.Sort(trainIdx);
        return (new DataLoader(new SubsetDataset(train.Dataset, trainIdx), train.BatchSize, train.Shuffle, train.Seed, train.DropLast, train.Prefetch),
            new DataLoader(new SubsetDataset(train.Dataset, valIdx), train.BatchSize, shuffle: false, prefetch: train.Prefetch));
    }

    private enum HookKind { FitStart, FitEnd, TrainEpochStart, TrainBatchEnd, BeforeOptimizerStep, ValidationEnd, TrainEpochEnd, Exception, SaveCheckpoint, LoadCheckpoint }

    // The one place hooks are called from.
    private void CallHook(HookKind hook, Batch? batch = null, int batchIndex = 0, Exception? error = null, Checkpoint? checkpoint = null)
    {
        var module = Module!;
        foreach (var c in _active)
        {
            switch (hook)
            {
                case HookKind.FitStart: c.OnFitStart(this, module); break;
                case HookKind.FitEnd: c.OnFitEnd(this, module); break;
                case HookKind.TrainEpochStart: c.OnTrainEpochStart(this, module); break;
                case HookKind.TrainBatchEnd: c.OnTrainBatchEnd(this, module, batch!, batchIndex); break;
                case HookKind.BeforeOptimizerStep: c.OnBeforeOptimizerStep(this, module); break;
                case HookKind.ValidationEnd: c.OnValidationEnd(this, module); break;
                case HookKind.TrainEpochEnd: c.OnTrainEpochEnd(this, module); break;
                case HookKind.SaveCheckpoint: c.OnSaveCheckpoint(this, module, checkpoint!); break;
                case HookKind.LoadCheckpoint: c.OnLoadCheckpoint(this, module, checkpoint!); break;
                case HookKind.Exception:
                    // Every callback hears of the failure; one failing here must not hide the original exception.
                    try { c.OnException(this, module, error!); }
                    catch (Exception) { }
                    break;
                default: throw new ArgumentOutOfRangeException(nameof(hook), hook, "unknown hook");
            }
        }
    }
}
