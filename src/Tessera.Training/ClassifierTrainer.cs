using System.Diagnostics;
using Tessera.Data;
using Tessera.IO;
using Tessera.Nn;
using Tessera.Nn.Losses;
using Tessera.Optim;
using Tessera.Optim.Schedulers;

namespace Tessera.Training;

/// <summary>
/// Trains an mlp or lenet on Fashion-MNIST with cross-entropy (plus an optional L1 penalty), evaluating the
/// test split after every epoch. After each epoch it writes into <see cref="TrainOptions.OutDirectory"/>:
/// checkpoint.safetensors (see <see cref="Checkpoint"/>), model.safetensors (the plain state dict, PyTorch names)
/// and metrics.csv. Schedulers step once per epoch.
/// </summary>
public sealed class ClassifierTrainer
{
    private readonly TrainOptions _o;
    private readonly Generator _gen;
    private readonly LrScheduler? _sched;
    private readonly ReduceLROnPlateau? _plateau;
    private readonly List<EpochMetrics> _history = [];
    private int _epoch;
    private long _step;

    /// <summary>Builds model, optimizer, scheduler and data; loads <see cref="TrainOptions.Resume"/> when set.</summary>
    public ClassifierTrainer(TrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Epochs < 1) throw new ArgumentException($"--epochs must be at least 1, got {options.Epochs}.");
        if (options.BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {options.BatchSize}.");
        _o = options;
        _gen = new Generator(options.Seed);
        Model = ModelFactory.CreateClassifier(options.Model, _gen);
        Optimizer = ModelFactory.CreateOptimizer(options.Optimizer, Model.Parameters(), options.Lr, options.Momentum, options.WeightDecay);
        switch (options.Scheduler)
        {
            case "none": break;
            case "step": _sched = new StepLR(Optimizer, stepSize: 1, gamma: 0.7); break;
            case "cosine": _sched = new CosineAnnealingLR(Optimizer, tMax: options.Epochs); break;
            case "plateau": _plateau = new ReduceLROnPlateau(Optimizer, PlateauMode.Max, factor: 0.1, patience: 1); break;
            default: throw new ArgumentException($"Unknown scheduler '{options.Scheduler}'; expected none, step, cosine or plateau.");
        }
        Train = new FashionMnist(train: true, directory: options.DataDirectory);
        Test = new FashionMnist(train: false, directory: options.DataDirectory);
        Loader = new DataLoader(Train, options.BatchSize, shuffle: true, seed: options.Seed);
        if (options.Resume is { } path)
        {
            var ck = Checkpoint.Load(path);
            if (ck.Extra.TryGetValue("model", out var m) && m != options.Model)
                throw new ArgumentException($"Checkpoint '{path}' is for model '{m}', not '{options.Model}'.");
            ck.Restore(Model, Optimizer, _gen, Loader);
            if (ck.Scheduler is { } s)
            {
                if (_sched is not null) _sched.LoadStateDict(s);
                else _plateau?.LoadStateDict(s);
            }
            _epoch = ck.Epoch;
            _step = ck.Step;
            string metrics = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "metrics.csv");
            if (File.Exists(metrics)) _history.AddRange(ReadMetrics(metrics));
        }
    }

    /// <summary>The model being trained.</summary>
    public Module<Tensor, Tensor> Model { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Training split.</summary>
    public FashionMnist Train { get; }

    /// <summary>Test split.</summary>
    public FashionMnist Test { get; }

    /// <summary>Shuffling loader over <see cref="Train"/>.</summary>
    public DataLoader Loader { get; }

    /// <summary>Epochs completed (including those of a resumed checkpoint).</summary>
    public int EpochsDone => _epoch;

    /// <summary>Metrics of every completed epoch.</summary>
    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>Called after every batch.</summary>
    public Action<BatchProgress>? OnBatch { get; set; }

    /// <summary>Called after every epoch with its metrics.</summary>
    public Action<EpochMetrics>? OnEpoch { get; set; }

    /// <summary>Runs the remaining epochs up to <see cref="TrainOptions.Epochs"/>; returns the final test accuracy.</summary>
    public double Run()
    {
        Directory.CreateDirectory(_o.OutDirectory);
        double testAcc = _history.Count > 0 ? _history[^1].TestAcc : double.NaN;
        while (_epoch < _o.Epochs)
        {
            Model.Train();
            double lossSum = 0;
            long correct = 0, seen = 0;
            int batch = 0;
            var sw = Stopwatch.StartNew();
            foreach (var b in Loader)
            {
                using var scope = _o.ScopePerStep ? TensorScope.Begin() : null;   // frees this step's temporaries, even when the step throws
                Optimizer.ZeroGrad();
                var logits = Model.Forward(b.Input);
                var loss = Functional.CrossEntropy(logits, b.Target);
                if (_o.L1 > 0) loss = loss.Add(Regularization.L1(Model.Parameters()).Mul(_o.L1));
                loss.Backward();
                Optimizer.Step();
                lossSum += loss.Item<float>() * b.Size;
                using (GradMode.NoGrad())
                    correct += logits.Argmax(1).Eq(b.Target).To(DType.Int64).Sum().Item<long>();
                seen += b.Size;
                b.Dispose();   // its buffers go back to the pool for the loader's next batches
                batch++;
                _step++;
                OnBatch?.Invoke(new BatchProgress(_epoch, batch, Loader.BatchesPerEpoch, _step, lossSum / seen, (double)correct / seen, seen / sw.Elapsed.TotalSeconds));
            }
            double sps = seen / sw.Elapsed.TotalSeconds;
            double lr = Optimizer.ParamGroups[0].Lr;
            testAcc = Evaluation.Evaluate(Model, Test.Inputs, Test.Targets, FashionMnist.Classes.Count).Accuracy;
            _sched?.Step();
            _plateau?.Step(testAcc);
            _epoch++;
            var row = new EpochMetrics(_epoch, _step, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), testAcc, lr, sps);
            _history.Add(row);
            SaveOutputs();
            OnEpoch?.Invoke(row);
        }
        return testAcc;
    }

    private void SaveOutputs()
    {
        var ck = Checkpoint.Capture(Model, Optimizer, _sched?.StateDict() ?? _plateau?.StateDict(), _gen, Loader, _epoch, _step);
        ck.Extra["model"] = _o.Model;
        ck.Extra["optimizer"] = _o.Optimizer;
        ck.Extra["scheduler"] = _o.Scheduler;
        ck.Save(Path.Combine(_o.OutDirectory, "checkpoint.safetensors"));
        SafeTensors.Save(Model.StateDict(), Path.Combine(_o.OutDirectory, "model.safetensors"));
        string tmp = Path.Combine(_o.OutDirectory, "metrics.csv.tmp");
        File.WriteAllLines(tmp, [EpochMetrics.CsvHeader, .. _history.Select(h => h.ToCsv())]);
        File.Move(tmp, Path.Combine(_o.OutDirectory, "metrics.csv"), overwrite: true);
    }

    private static IEnumerable<EpochMetrics> ReadMetrics(string path)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length != 7) continue;
            yield return new EpochMetrics(int.Parse(f[0], inv), long.Parse(f[1], inv), double.Parse(f[2], inv), double.Parse(f[3], inv),
                double.Parse(f[4], inv), double.Parse(f[5], inv), double.Parse(f[6], inv));
        }
    }
}
