using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tessera.Data;
using Tessera.Models;
using Tessera.Threading;
using Tessera.Training;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera train &lt;linreg|mlp|lenet&gt;</c>: trains a model; mlp and lenet on Fashion-MNIST with per-epoch
/// checkpoint.safetensors, model.safetensors and metrics.csv in --out; linreg on synthetic y = 4 + 3x + noise.
/// </summary>
internal static class TrainCommand
{
    /// <summary>Creates the <c>train</c> command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "linreg, mlp or lenet." };
        model.AcceptOnlyFromAmong("linreg", "mlp", "lenet");
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default 1; for linreg: full-batch steps, default 1000)." };
        var batch = new Option<int>("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default 0.01; for linreg 0.1)." };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, adam, adamw or rmsprop.", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw", "rmsprop");
        var momentum = new Option<double?>("--momentum") { Description = "Momentum (sgd, rmsprop). Default: 0.9 for mlp and lenet with sgd (as the reference workloads), otherwise 0." };
        var wd = new Option<double>("--weight-decay") { Description = "Weight decay." };
        var l1 = new Option<double>("--l1") { Description = "Coefficient of an L1 penalty on all parameters added to the loss." };
        var scheduler = new Option<string>("--scheduler") { Description = "none, step (x0.7 per epoch), cosine or plateau (on test accuracy).", DefaultValueFactory = _ => "none" };
        scheduler.AcceptOnlyFromAmong("none", "step", "cosine", "plateau");
        var seed = new Option<ulong>("--seed") { Description = "Seed of initialization, shuffling and synthetic data." };
        var threads = new Option<int?>("--threads") { Description = "Threads for the kernels. Default: processor count." };
        var data = new Option<string?>("--data") { Description = "Directory with the Fashion-MNIST IDX files (default search, then the shipped subset)." };
        var outDir = new Option<string?>("--out") { Description = "Output directory (default runs/<model>-<yyyyMMdd-HHmmss>/, or the checkpoint's directory with --resume)." };
        var resume = new Option<string?>("--resume") { Description = "Continue from this checkpoint.safetensors." };
        var logEvery = new Option<int>("--log-every") { Description = "Batches between progress lines when output is redirected.", DefaultValueFactory = _ => 100 };
        var noScope = new Option<bool>("--no-scope") { Description = "Leave each step's temporaries to the GC instead of freeing them with a TensorScope (to compare memory)." };
        var command = new Command("train", "Train a model.") { model, epochs, batch, lr, optimizer, momentum, wd, l1, scheduler, seed, threads, data, outDir, resume, logEvery, noScope };
        command.SetAction(r =>
        {
            if (r.GetValue(threads) is { } t)
            {
                if (t < 1) { Console.Error.WriteLine($"--threads must be at least 1, got {t}."); return 2; }
                Parallelism.ThreadCount = t;
            }
            string name = r.GetValue(model)!;
            try
            {
                if (name == "linreg")
                    return RunLinreg(r.GetValue(epochs) ?? 1000, r.GetValue(lr) ?? 0.1, r.GetValue(seed), r.GetValue(optimizer)!, r.GetValue(momentum) ?? 0, r.GetValue(wd));
                string? res = r.GetValue(resume);
                string outPath = r.GetValue(outDir)
                    ?? (res is not null ? Path.GetDirectoryName(Path.GetFullPath(res))! : Path.Combine("runs", $"{name}-{DateTime.Now:yyyyMMdd-HHmmss}"));
                var options = new TrainOptions
                {
                    Model = name,
                    Epochs = r.GetValue(epochs) ?? 1,
                    BatchSize = r.GetValue(batch),
                    Lr = r.GetValue(lr) ?? 0.01,
                    Optimizer = r.GetValue(optimizer)!,
                    Momentum = r.GetValue(momentum) ?? (r.GetValue(optimizer) == "sgd" ? 0.9 : 0),
                    WeightDecay = r.GetValue(wd),
                    L1 = r.GetValue(l1),
                    Scheduler = r.GetValue(scheduler)!,
                    Seed = r.GetValue(seed),
                    DataDirectory = r.GetValue(data),
                    OutDirectory = outPath,
                    Resume = res,
                    LogEvery = Math.Max(1, r.GetValue(logEvery)),
                    ScopePerStep = !r.GetValue(noScope),
                };
                return RunClassifier(options);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or Tessera.IO.SafeTensorsFormatException or Tessera.Nn.StateDictException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static int RunLinreg(int steps, double lr, ulong seed, string optimizer, double momentum, double wd)
    {
        if (steps < 1) throw new ArgumentException($"--epochs must be at least 1, got {steps}.");
        Console.WriteLine($"data: synthetic y = 4 + 3x + N(0,1), 100 points, x ~ U[0,2), seed {seed}");
        int every = Math.Max(1, steps / 10);
        var res = FitLinreg(steps, lr, seed, optimizer, momentum, wd,
            onStep: (s, loss) => { if (s % every == 0 || s == steps) Console.WriteLine(Inv($"step {s}/{steps} mse {loss:F6}")); });
        Console.WriteLine(Inv($"learned:     w = {res.W:F4}, b = {res.B:F4}"));
        Console.WriteLine(Inv($"closed form: w = {res.ClosedFormW:F4}, b = {res.ClosedFormB:F4}  (true: w = 3, b = 4)"));
        return 0;
    }

    /// <summary>
    /// Fits y = 4 + 3x + N(0, 1) noise (x uniform in [0, 2), <paramref name="n"/> seeded points) with <paramref name="steps"/>
    /// full-batch steps on the MSE, and the least-squares solution of the same data for comparison.
    /// </summary>
    internal static (double W, double B, double ClosedFormW, double ClosedFormB, double FinalLoss) FitLinreg(int steps, double lr, ulong seed,
        string optimizer = "sgd", double momentum = 0, double weightDecay = 0, int n = 100, Action<int, double>? onStep = null)
    {
        var g = new Generator(seed);
        var x = Tensor.Rand([n, 1], g).Mul(2f);                            // (n, 1)
        var y = x.Mul(3f).Add(4f).Add(Tensor.Randn([n, 1], g));            // (n, 1)
        var model = new LinearRegression(generator: new Generator(seed + 1));
        var opt = ModelFactory.CreateOptimizer(optimizer, model.Parameters(), lr, momentum, weightDecay);
        double last = double.NaN;
        for (int s = 0; s < steps; s++)
        {
            using (TensorScope.Begin())
            {
                opt.ZeroGrad();
                var loss = Functional.MseLoss(model.Forward(x), y);
                loss.Backward();
                opt.Step();
                last = loss.Item<float>();
            }
            onStep?.Invoke(s + 1, last);
        }
        var (cw, cb) = LeastSquares(x.ToArray<float>(), y.ToArray<float>());
        return (model.Linear.Weight.Detach().ToArray<float>()[0], model.Linear.Bias!.Detach().ToArray<float>()[0], cw, cb, last);
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

    private static int RunClassifier(TrainOptions o)
    {
        var trainer = new ClassifierTrainer(o);
        Console.WriteLine($"data: {trainer.Train.Description}");
        Console.WriteLine($"data: {trainer.Test.Description}");
        if (o.Resume is not null) Console.WriteLine($"resumed from {o.Resume} after epoch {trainer.EpochsDone}");
        Console.WriteLine(Inv($"model: {o.Model} ({trainer.Model.ParameterCount} parameters), optimizer {o.Optimizer} lr {o.Lr}, scheduler {o.Scheduler}, out {o.OutDirectory}"));
        if (trainer.EpochsDone >= o.Epochs)
        {
            Console.WriteLine($"nothing to do: the checkpoint already has {trainer.EpochsDone} epoch(s); raise --epochs.");
            return 0;
        }
        double acc;
        if (!Console.IsOutputRedirected)
        {
            acc = double.NaN;
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    ProgressTask? task = null;
                    int taskEpoch = -1;
                    trainer.OnBatch = p =>
                    {
                        if (p.Epoch != taskEpoch)
                        {
                            task = ctx.AddTask($"epoch {p.Epoch + 1}/{o.Epochs}", maxValue: p.BatchesPerEpoch);
                            taskEpoch = p.Epoch;
                        }
                        task!.Value = p.Batch;
                        task.Description = Inv($"epoch {p.Epoch + 1}/{o.Epochs} loss {p.Loss:F4} acc {p.Accuracy:F4} {p.SamplesPerS:F0} samples/s");
                    };
                    trainer.OnEpoch = m => task!.Description = Inv($"epoch {m.Epoch}/{o.Epochs} loss {m.TrainLoss:F4} acc {m.TrainAcc:F4} test {m.TestAcc:F4} {m.SamplesPerS:F0} samples/s");
                    acc = trainer.Run();
                });
        }
        else
        {
            trainer.OnBatch = p =>
            {
                if (p.Batch % o.LogEvery == 0)
                    Console.WriteLine(Inv($"epoch {p.Epoch + 1} batch {p.Batch}/{p.BatchesPerEpoch} loss {p.Loss:F4} acc {p.Accuracy:F4} {p.SamplesPerS:F0} samples/s"));
            };
            trainer.OnEpoch = m => Console.WriteLine(
                Inv($"epoch {m.Epoch}/{o.Epochs} step {m.Step} train_loss {m.TrainLoss:F4} train_acc {m.TrainAcc:F4} test_acc {m.TestAcc:F4} lr {m.Lr:G6} {m.SamplesPerS:F0} samples/s"));
            acc = trainer.Run();
        }
        Console.WriteLine(Inv($"test accuracy: {acc:F4}"));
        Console.WriteLine($"wrote {Path.Combine(o.OutDirectory, "model.safetensors")}, checkpoint.safetensors, metrics.csv");
        return 0;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
