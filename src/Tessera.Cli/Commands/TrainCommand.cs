using System.CommandLine;
using System.Globalization;
using Tessera.Data;
using Tessera.Models;
using Tessera.Optim;
using Tessera.Optim.Schedulers;
using Tessera.Threading;
using Tessera.Training;
using Tessera.Training.Callbacks;
using Tessera.Training.Loggers;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera train &lt;linreg|mlp|lenet&gt;</c>: trains a model on the <see cref="Trainer"/>; mlp and lenet on
/// Fashion-MNIST, validating on the test split after every epoch, with checkpoint.safetensors, model.safetensors and
/// metrics.csv in the run folder (--out); linreg on synthetic y = 4 + 3x + noise, full-batch.
/// </summary>
internal static class TrainCommand
{
    private const string CheckpointFile = "checkpoint.safetensors";

    /// <summary>The columns metrics.csv starts with (as before the Trainer).</summary>
    internal static readonly string[] CsvColumns = ["train_loss", "train_acc", "val_loss", "val_acc", "test_loss", "test_acc", "lr", "samples_per_s"];

    /// <summary>Creates the <c>train</c> command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "linreg, mlp or lenet." };
        model.AcceptOnlyFromAmong("linreg", "mlp", "lenet");
        var f = new Flags(
            Number<int>("--epochs", "a whole number", "Epochs (default 1, or the checkpoint's with --resume; for linreg: full-batch steps, default 1000)."),
            Number<int>("--batch-size", "a whole number", "Batch size (default 64)."),
            Number<double>("--lr", "a number", "Learning rate (default 0.01; for linreg 0.1)."),
            new Option<string?>("--optimizer") { Description = "sgd (default), adam, adamw or rmsprop." },
            Number<double>("--momentum", "a number", "Momentum (sgd, rmsprop). Default: 0.9 for mlp and lenet with sgd (as the reference workloads), otherwise 0."),
            Number<double>("--weight-decay", "a number", "Weight decay (default 0)."),
            Number<double>("--l1", "a number", "Coefficient of an L1 penalty on all parameters added to the loss (default 0)."),
            new Option<string?>("--scheduler") { Description = "none (default), step (x0.7 per epoch), cosine or plateau (on test accuracy, or validation accuracy with --val-split)." },
            Number<ulong>("--seed", "a whole number of at least 0", "Seed of initialization, shuffling and synthetic data (default 0)."),
            Number<int>("--threads", "a whole number", "Threads for the kernels. Default: processor count."),
            new Option<string?>("--data") { Description = "Directory with the Fashion-MNIST IDX files (default search, then the shipped subset)." },
            new Option<string?>("--out") { Description = "Run folder (default runs/<model>-<yyyyMMdd-HHmmss>/, or the checkpoint's folder with --resume)." },
            new Option<string?>("--resume") { Description = "Continue a run from its checkpoint.safetensors (or the run folder holding it), with the run's own settings." },
            Number<int>("--log-every", "a whole number", "Batches between progress lines when output is redirected (default 100)."),
            Number<long>("--max-steps", "a whole number", "Stop after this many optimizer steps in total (the epoch ends there)."),
            new Option<bool>("--allow-nan") { Description = "Keep training when the loss becomes NaN or infinite (default: stop with an error naming the step)." },
            Number<int>("--accumulate-grad-batches", "a whole number", "Sum the gradients of this many batches per optimizer step (default 1)."),
            Number<double>("--clip-grad-norm", "a number", "Scale gradients to this total norm at most before each step (default: no clipping)."),
            Number<double>("--val-split", "a number", "Hold out this fraction of the training split for validation; the test split is then evaluated once at the end (default: validate on the test split)."),
            new Option<string?>("--logdir") { Description = "TensorBoard event-file folder (default: the run folder): scalars, weight and gradient histograms, hyper-parameters, confusion matrix and sample predictions." });
        f.Optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw", "rmsprop");
        f.Scheduler.AcceptOnlyFromAmong("none", "step", "cosine", "plateau");
        var command = new Command("train", "Train a model.") { model };
        foreach (var o in f.All) command.Options.Add(o);
        command.SetAction(r =>
        {
            try
            {
                CheckNumbers(r, f);
                if (r.GetValue(f.Threads) is { } t) Parallelism.ThreadCount = t;
                string name = r.GetValue(model)!;
                return name == "linreg" ? RunLinreg(r, f) : RunClassifier(r, f, name);
            }
            catch (NonFiniteLossException e)
            {
                Console.Error.WriteLine($"error: {e.Message}; pass --allow-nan to continue past it.");
                return 2;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException or NotSupportedException
                or IdxFormatException or Tessera.IO.SafeTensorsFormatException or Tessera.Nn.StateDictException)
            {
                Console.Error.WriteLine($"error: {OneLine(e.Message)}");
                return 2;
            }
        });
        return command;
    }

    // A number option whose parse error names the flag and the token, not a .NET type (a usage error: exit 1 with help).
    private static Option<T?> Number<T>(string name, string kind, string description) where T : struct, IParsable<T>
    {
        var o = new Option<T?>(name) { Description = description };
        o.CustomParser = r =>
        {
            string token = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            if (T.TryParse(token, CultureInfo.InvariantCulture, out var v)) return v;
            r.AddError($"{name} needs {kind}, got '{token}'.");
            return null;
        };
        return o;
    }

    /// <summary>The train command's options.</summary>
    private sealed record Flags(Option<int?> Epochs, Option<int?> BatchSize, Option<double?> Lr, Option<string?> Optimizer, Option<double?> Momentum,
        Option<double?> WeightDecay, Option<double?> L1, Option<string?> Scheduler, Option<ulong?> Seed, Option<int?> Threads, Option<string?> Data,
        Option<string?> Out, Option<string?> Resume, Option<int?> LogEvery, Option<long?> MaxSteps, Option<bool> AllowNan,
        Option<int?> Accumulate, Option<double?> ClipNorm, Option<double?> ValSplit, Option<string?> LogDir)
    {
        public Option[] All => [Epochs, BatchSize, Lr, Optimizer, Momentum, WeightDecay, L1, Scheduler, Seed, Threads, Data, Out, Resume, LogEvery, MaxSteps, AllowNan,
            Accumulate, ClipNorm, ValSplit, LogDir];
    }

    // Every number is checked before anything runs: a bad one must not cost an epoch first.
    private static void CheckNumbers(ParseResult r, Flags f)
    {
        static void Check(bool ok, string flag, string rule, object? value)
        {
            if (!ok) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{flag} must be {rule}, got {value}."));
        }
        if (r.GetValue(f.Epochs) is { } e) Check(e >= 1, "--epochs", "at least 1", e);
        if (r.GetValue(f.BatchSize) is { } b) Check(b >= 1, "--batch-size", "at least 1", b);
        if (r.GetValue(f.Threads) is { } t) Check(t >= 1, "--threads", "at least 1", t);
        if (r.GetValue(f.LogEvery) is { } l) Check(l >= 1, "--log-every", "at least 1", l);
        if (r.GetValue(f.MaxSteps) is { } s) Check(s >= 1, "--max-steps", "at least 1", s);
        if (r.GetValue(f.Lr) is { } lr) Check(double.IsFinite(lr) && lr > 0, "--lr", "a finite number greater than 0", lr);
        if (r.GetValue(f.Momentum) is { } m) Check(double.IsFinite(m) && m >= 0, "--momentum", "a finite number of at least 0", m);
        if (r.GetValue(f.WeightDecay) is { } wd) Check(double.IsFinite(wd) && wd >= 0, "--weight-decay", "a finite number of at least 0", wd);
        if (r.GetValue(f.L1) is { } l1) Check(double.IsFinite(l1) && l1 >= 0, "--l1", "a finite number of at least 0", l1);
        if (r.GetValue(f.Accumulate) is { } a) Check(a >= 1, "--accumulate-grad-batches", "at least 1", a);
        if (r.GetValue(f.ClipNorm) is { } c) Check(double.IsFinite(c) && c > 0, "--clip-grad-norm", "a finite number greater than 0", c);
        if (r.GetValue(f.ValSplit) is { } v) Check(v > 0 && v < 1, "--val-split", "a number between 0 and 1 (exclusive)", v);
    }

    private static int RunLinreg(ParseResult r, Flags f)
    {
        // linreg fits 100 synthetic points full-batch in memory: data, batching, run-folder and scheduler flags do not apply.
        foreach (var o in new Option[] { f.BatchSize, f.L1, f.Scheduler, f.Data, f.Out, f.Resume, f.LogEvery, f.Accumulate, f.ClipNorm, f.ValSplit, f.LogDir })
            if (r.GetResult(o) is { Implicit: false })
                throw new ArgumentException($"{o.Name} does not apply to linreg (it fits 100 synthetic points full-batch, in memory, without a run folder).");
        int steps = r.GetValue(f.Epochs) ?? 1000;
        ulong seed = r.GetValue(f.Seed) ?? 0;
        Console.WriteLine($"data: synthetic y = 4 + 3x + N(0,1), 100 points, x ~ U[0,2), seed {seed}");
        int every = Math.Max(1, steps / 10);
        var res = FitLinreg(steps, r.GetValue(f.Lr) ?? 0.1, seed, r.GetValue(f.Optimizer) ?? "sgd", r.GetValue(f.Momentum) ?? 0, r.GetValue(f.WeightDecay) ?? 0,
            onStep: (s, loss) => { if (s % every == 0 || s == steps) Console.WriteLine(Inv($"step {s}/{steps} mse {loss:F6}")); },
            maxSteps: r.GetValue(f.MaxSteps), allowNan: r.GetValue(f.AllowNan));
        Console.WriteLine(Inv($"learned:     w = {res.W:F4}, b = {res.B:F4}"));
        Console.WriteLine(Inv($"closed form: w = {res.ClosedFormW:F4}, b = {res.ClosedFormB:F4}  (true: w = 3, b = 4)"));
        return 0;
    }

    /// <summary>
    /// Fits y = 4 + 3x + N(0, 1) noise (x uniform in [0, 2), <paramref name="n"/> seeded points) with <paramref name="steps"/>
    /// full-batch steps on the MSE (one Trainer epoch each), and the least-squares solution of the same data for comparison.
    /// </summary>
    internal static (double W, double B, double ClosedFormW, double ClosedFormB, double FinalLoss) FitLinreg(int steps, double lr, ulong seed,
        string optimizer = "sgd", double momentum = 0, double weightDecay = 0, int n = 100, Action<int, double>? onStep = null,
        long? maxSteps = null, bool allowNan = false)
    {
        var g = new Generator(seed);
        var x = Tensor.Rand([n, 1], g).Mul(2f);                            // (n, 1)
        var y = x.Mul(3f).Add(4f).Add(Tensor.Randn([n, 1], g));            // (n, 1)
        var net = new LinearRegression(generator: new Generator(seed + 1));
        var module = new RegressionModule(net, p => ModelFactory.CreateOptimizer(optimizer, p, lr, momentum, weightDecay));
        var trainer = new Trainer
        {
            MaxEpochs = steps,
            MaxSteps = maxSteps ?? -1,
            EnableProgressBar = false,
            StopOnNonFiniteLoss = !allowNan,
            Callbacks = { new EpochAction((t, _) => onStep?.Invoke(t.Epoch, t.LastLoss)) },
        };
        trainer.Fit(module, new DataLoader(new TensorDataset(x, y), batchSize: n, prefetch: 0));
        var (cw, cb) = LeastSquares(x.ToArray<float>(), y.ToArray<float>());
        return (net.Linear.Weight.Detach().ToArray<float>()[0], net.Linear.Bias!.Detach().ToArray<float>()[0], cw, cb, trainer.LastLoss);
    }

    /// <summary>Closed-form least squares (w, b) of y on x.</summary>
    internal static (double W, double B) LeastSquares(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double mx = 0, my = 0;
        for (int i = 0; i < x.Length; i++) { mx += x[i]; my += y[i]; }
        mx /= x.Length;
        my /= x.Length;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); }
        double w = sxy / sxx;
        return (w, my - w * mx);
    }

    /// <summary>The checkpoint file <paramref name="value"/> (a file, or a run folder holding checkpoint.safetensors) names.</summary>
    internal static string ResolveResume(string value)
    {
        if (Directory.Exists(value))
        {
            string inDir = Path.Combine(value, CheckpointFile);
            return File.Exists(inDir) ? inDir : throw new ArgumentException($"--resume '{value}' is a folder without a {CheckpointFile}.");
        }
        return File.Exists(value) ? value : throw new ArgumentException($"--resume '{value}' does not exist.");
    }

    private static int RunClassifier(ParseResult r, Flags f, string name)
    {
        string? resume = r.GetValue(f.Resume) is { } rv ? ResolveResume(rv) : null;
        Checkpoint? ck = resume is null ? null : Checkpoint.Load(resume);
        TrainSettings s;
        if (ck is not null)
        {
            s = TrainSettings.FromCheckpoint(ck, resume!);
            if (s.Model != name) throw new ArgumentException($"model '{name}' conflicts with the checkpoint's '{s.Model}'; --resume continues the run with its own settings.");
            Conflict(r, f.Optimizer, s.Optimizer);
            Conflict(r, f.Lr, s.Lr);
            Conflict(r, f.Momentum, s.Momentum);
            Conflict(r, f.WeightDecay, s.WeightDecay);
            Conflict(r, f.L1, s.L1);
            Conflict(r, f.Scheduler, s.Scheduler);
            Conflict(r, f.Seed, s.Seed);
            Conflict(r, f.BatchSize, s.BatchSize);
            Conflict(r, f.Accumulate, s.AccumulateGradBatches);
            Conflict(r, f.ClipNorm, s.ClipGradNorm);
            Conflict(r, f.ValSplit, s.ValSplit);
            s = s with { Epochs = r.GetValue(f.Epochs) ?? s.Epochs };   // a later resume continues to the raised count
        }
        else
        {
            string opt = r.GetValue(f.Optimizer) ?? "sgd";
            s = new TrainSettings(name, opt, r.GetValue(f.Lr) ?? 0.01, r.GetValue(f.Momentum) ?? (opt == "sgd" ? 0.9 : 0), r.GetValue(f.WeightDecay) ?? 0,
                r.GetValue(f.L1) ?? 0, r.GetValue(f.Scheduler) ?? "none", r.GetValue(f.Seed) ?? 0, r.GetValue(f.BatchSize) ?? 64, r.GetValue(f.Epochs) ?? 1, r.GetValue(f.Epochs) ?? 1,
                r.GetValue(f.Accumulate) ?? 1, r.GetValue(f.ClipNorm) ?? 0, r.GetValue(f.ValSplit) ?? 0);
        }
        int epochs = s.Epochs;
        string outDir = r.GetValue(f.Out)
            ?? (resume is not null ? Path.GetDirectoryName(Path.GetFullPath(resume))! : Path.Combine("runs", $"{name}-{DateTime.Now:yyyyMMdd-HHmmss}"));

        var train = new FashionMnist(train: true, directory: r.GetValue(f.Data));
        var test = new FashionMnist(train: false, directory: r.GetValue(f.Data));
        var net = ModelFactory.CreateClassifier(s.Model, new Generator(s.Seed));
        var module = new ClassifierModule(net, p =>
        {
            var opt = ModelFactory.CreateOptimizer(s.Optimizer, p, s.Lr, s.Momentum, s.WeightDecay);
            return s.Scheduler switch
            {
                "none" => opt,
                "step" => new OptimizerConfig(opt, new StepLR(opt, stepSize: 1, gamma: 0.7)),
                "cosine" => new OptimizerConfig(opt, new CosineAnnealingLR(opt, tMax: s.CosineTMax)),   // over the epochs planned at the start
                "plateau" => new OptimizerConfig(opt, new SchedulerConfig(new ReduceLROnPlateau(opt, PlateauMode.Max, factor: 0.1, patience: 1), s.ValSplit > 0 ? "val_acc" : "test_acc")),
                _ => throw new ArgumentException($"Unknown scheduler '{s.Scheduler}'; expected none, step, cosine or plateau."),
            };
        }, s.ToHyperparameters())
        { L1 = s.L1, ValidationPrefix = s.ValSplit > 0 ? "val" : "test" };

        Console.WriteLine($"data: {train.Description}");
        Console.WriteLine($"data: {test.Description}");
        if (ck is not null) Console.WriteLine($"resumed from {resume} after epoch {ck.Epoch}");
        Console.WriteLine(Inv($"model: {s.Model} ({net.ParameterCount} parameters), optimizer {s.Optimizer} lr {s.Lr}, scheduler {s.Scheduler}, out {outDir}"));
        var trainer = new Trainer
        {
            MaxEpochs = epochs,
            MaxSteps = r.GetValue(f.MaxSteps) ?? -1,
            AccumulateGradBatches = s.AccumulateGradBatches,
            GradientClipNorm = s.ClipGradNorm > 0 ? s.ClipGradNorm : null,
            ValidationSplit = s.ValSplit,
            RunDirectory = outDir,
            Seed = s.Seed,
            StopOnNonFiniteLoss = !r.GetValue(f.AllowNan),
            EnableProgressBar = false,
            Callbacks = { new LearningRateMonitor(), new ProgressDisplay(logEveryNBatches: r.GetValue(f.LogEvery) ?? 100) },
            Loggers = { new CsvLogger(Path.Combine(outDir, "metrics.csv"), CsvColumns) },
        };
        using var tensorBoard = new TensorBoardLogger(r.GetValue(f.LogDir) ?? outDir);
        trainer.Loggers.Add(tensorBoard);
        trainer.Callbacks.Add(new TensorBoardHistograms(tensorBoard));
        int shown = Math.Min(1000, test.Count);   // the confusion-matrix image and sample predictions: the first 1,000 test images
        trainer.Callbacks.Add(new ClassifierImages(tensorBoard, net, test.Inputs.Narrow(0, 0, shown), test.Targets.Narrow(0, 0, shown), FashionMnist.Classes));
        var loader = new DataLoader(train, s.BatchSize, shuffle: true, seed: s.Seed);
        var testLoader = new DataLoader(test, 1000);
        trainer.Fit(module, loader, s.ValSplit > 0 ? null : testLoader, resume);
        if (ck is not null && ck.Epoch >= epochs)
        {
            Console.WriteLine($"nothing to do: the checkpoint already has {ck.Epoch} epoch(s); raise --epochs.");
            return 0;
        }
        if (s.ValSplit > 0)
            Console.WriteLine(Inv($"test accuracy: {trainer.Test(module, testLoader)["test_acc"]:F4}"));
        else if (trainer.History.Count > 0 && trainer.History[^1].Values.TryGetValue("test_acc", out double acc))
            Console.WriteLine(Inv($"test accuracy: {acc:F4}"));
        Console.WriteLine($"wrote {Path.Combine(outDir, "model.safetensors")}, {CheckpointFile}, metrics.csv");
        return 0;
    }

    private static void Conflict<T>(ParseResult r, Option<T?> option, T saved) where T : struct
    {
        if (r.GetValue(option) is { } given && !given.Equals(saved)) throw ConflictError(option.Name, Inv($"{given}"), Inv($"{saved}"));
    }

    private static void Conflict(ParseResult r, Option<string?> option, string saved)
    {
        if (r.GetValue(option) is { } given && given != saved) throw ConflictError(option.Name, given, saved);
    }

    private static ArgumentException ConflictError(string flag, string given, string saved) =>
        new($"{flag} {given} conflicts with the checkpoint's {saved}; --resume continues the run with its own settings (drop {flag}, or start a new run).");

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
