using System.Text.Json.Nodes;
using Tessera.Data;
using Tessera.Training.Callbacks;

namespace Tessera.Training.Tests;

public sealed class CallbackTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-callbacks-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DataLoader Train() => TestModules.Loader(TestModules.Data(16), 8);

    private static DataLoader Val() => TestModules.Loader(TestModules.Data(8, seed: 9), 8, shuffle: false);

    [Fact]
    public void EarlyStoppingStopsAfterPatienceEpochsWithoutImprovement()
    {
        // Best 0.9 at epoch 2; epoch 3 improves by less than minDelta 0.01, epochs 3 and 4 are the two bad checks.
        var es = new EarlyStopping("val_loss", patience: 2, minDelta: 0.01);
        var t = new Trainer { MaxEpochs = 10, EnableProgressBar = false, Callbacks = { es } };
        t.Fit(new ScriptedModule("val_loss", 1.0, 0.9, 0.895, 0.95, 0.1, 0.1), Train(), Val());
        Assert.Equal(4, t.Epoch);
        Assert.Equal(4, es.StoppedEpoch);
        Assert.Equal(0.9, es.Best);
        Assert.Equal(2, es.WaitCount);
    }

    [Fact]
    public void EarlyStoppingInMaxModeAndMissingMonitor()
    {
        var es = new EarlyStopping("val_acc", patience: 1, mode: MonitorMode.Max);
        var t = new Trainer { MaxEpochs = 10, EnableProgressBar = false, Callbacks = { es } };
        t.Fit(new ScriptedModule("val_acc", 0.5, 0.6, 0.6, 0.9), Train(), Val());
        Assert.Equal(3, t.Epoch);

        var bad = new Trainer { MaxEpochs = 2, EnableProgressBar = false, Callbacks = { new EarlyStopping("val_f1") } };
        var e = Assert.Throws<InvalidOperationException>(() => bad.Fit(new ScriptedModule("val_acc", 0.5, 0.6), Train(), Val()));
        Assert.Contains("'val_f1'", e.Message);
        Assert.Contains("val_acc", e.Message);
    }

    [Fact]
    public void ModelCheckpointKeepsTheTopKAndTheLast()
    {
        var mc = new ModelCheckpoint(_dir, monitor: "val_acc", mode: MonitorMode.Max, saveTopK: 2);
        var t = new Trainer { MaxEpochs = 5, EnableProgressBar = false, Callbacks = { mc } };
        t.Fit(new ScriptedModule("val_acc", 0.3, 0.8, 0.5, 0.9, 0.1), Train(), Val());
        // 2 steps per epoch: epoch 2 = step 4, epoch 4 = step 8.
        Assert.Equal(["checkpoint.safetensors", "epoch=2-step=4.safetensors", "epoch=4-step=8.safetensors", "model.safetensors"],
            Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
        Assert.Equal(Path.Combine(_dir, "epoch=4-step=8.safetensors"), mc.BestModelPath);
        Assert.Equal(4, Checkpoint.Load(mc.BestModelPath!).Epoch);
        Assert.Equal(5, Checkpoint.Load(mc.LastPath).Epoch);
        // Every checkpoint carries the callback's own state (its view of the top-k at that time).
        var state = JsonNode.Parse(Checkpoint.Load(mc.LastPath).Callbacks[mc.StateKey])!;
        Assert.Equal(2, state["best_k_models"]!.AsObject().Count);
    }

    [Fact]
    public void CallbackStateIsSavedUnderItsKeyAndRestoredOnResume()
    {
        var counter = new Counter();
        var es = new EarlyStopping("val_loss", patience: 5);
        var t1 = new Trainer { MaxEpochs = 2, RunDirectory = _dir, EnableProgressBar = false, Callbacks = { counter, es } };
        t1.Fit(new ScriptedModule("val_loss", 1.0, 1.5, 1.6, 1.7), Train(), Val());
        Assert.Equal(4, counter.Batches);
        var ck = Checkpoint.Load(Path.Combine(_dir, "checkpoint.safetensors"));
        Assert.Equal("{\"batches\":4}", ck.Callbacks["Counter"]);

        var counter2 = new Counter();
        var es2 = new EarlyStopping("val_loss", patience: 5);
        var t2 = new Trainer { MaxEpochs = 3, RunDirectory = _dir, EnableProgressBar = false, Callbacks = { counter2, es2 } };
        t2.Fit(new ScriptedModule("val_loss", 1.0, 1.5, 1.6, 1.7), Train(), Val(), Path.Combine(_dir, "checkpoint.safetensors"));
        Assert.Equal(6, counter2.Batches);
        Assert.Equal(1.0, es2.Best);
        Assert.Equal(2, es2.WaitCount);
        Assert.True(counter2.Loaded);
    }

    private sealed class Counter : Callback
    {
        public int Batches { get; private set; }

        public bool Loaded { get; private set; }

        public override void OnTrainBatchEnd(Trainer trainer, TrainingModule module, Batch batch, int batchIndex) => Batches++;

        public override JsonNode? StateDict() => new JsonObject { ["batches"] = Batches };

        public override void LoadStateDict(JsonNode state) => Batches = state["batches"]!.GetValue<int>();

        public override void OnLoadCheckpoint(Trainer trainer, TrainingModule module, Checkpoint checkpoint) => Loaded = true;
    }

    [Fact]
    public void DuplicateStateKeysAreRejected()
    {
        var t = new Trainer { MaxEpochs = 1, EnableProgressBar = false, Callbacks = { new EarlyStopping("val_loss"), new EarlyStopping("val_loss", patience: 9) } };
        Assert.Contains("EarlyStopping{monitor=val_loss,mode=min}", Assert.Throws<ArgumentException>(() => t.Fit(new ScriptedModule("val_loss", 1), Train(), Val())).Message);
    }

    [Fact]
    public void LearningRateMonitorLogsTheRateEachEpochTrainsWith()
    {
        var t = new Trainer { MaxEpochs = 3, EnableProgressBar = false, Callbacks = { new LearningRateMonitor() } };
        t.Fit(TestModules.Classifier(), Train());
        var lrs = t.History.Select(r => r.Values["lr"]).ToArray();
        Assert.Equal(3, lrs.Length);
        Assert.Equal(1e-2, lrs[0], 15);
        Assert.Equal(7e-3, lrs[1], 15);
        Assert.Equal(4.9e-3, lrs[2], 15);
    }

    [Fact]
    public void TimerStopsTrainingAndEndsTheEpoch()
    {
        var timer = new Callbacks.Timer(TimeSpan.FromTicks(1));
        var t = new Trainer { MaxEpochs = 5, EnableProgressBar = false, Callbacks = { timer } };
        t.Fit(TestModules.Classifier(), Train());
        Assert.Equal(1, t.GlobalStep);
        Assert.Equal(1, t.Epoch);
        Assert.True(timer.Elapsed > TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Callbacks.Timer(TimeSpan.Zero));
    }

    [Fact]
    public void ProgressDisplayWritesPlainLinesWithoutAnsiCodes()
    {
        var output = new StringWriter();
        var t = new Trainer { MaxEpochs = 2, Callbacks = { new LearningRateMonitor(), new ProgressDisplay(output, logEveryNBatches: 1) } };
        t.Fit(TestModules.Classifier(), Train(), Val());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("epoch 1 batch 1/2 loss ", lines[0]);
        Assert.Contains(" acc ", lines[0]);
        Assert.EndsWith(" samples/s", lines[0]);
        Assert.StartsWith("epoch 1/2 step 2 train_loss ", lines[2]);
        Assert.Contains(" val_acc ", lines[2]);
        Assert.Contains(" lr 0.01 ", lines[2]);
        Assert.DoesNotContain('\u001b', output.ToString());
    }

    [Fact]
    public void TerminalRowsStayWithin80Columns()
    {
        var writer = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.Yes,
            Interactive = Spectre.Console.InteractionSupport.Yes,
            Out = new Spectre.Console.AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 80;
        var t = new Trainer { MaxEpochs = 3, Callbacks = { new LearningRateMonitor(), new ProgressDisplay(console) } };
        t.Fit(new LongNames(), Train(), Val());
        // Strip the control sequences of the live display and look at what is left on each line.
        string text = System.Text.RegularExpressions.Regex.Replace(writer.ToString(), @"\u001b\[[0-9;?]*[A-Za-z]", "");
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        if (Environment.GetEnvironmentVariable("TESSERA_DUMP_PROGRESS") is { } dump) File.WriteAllLines(dump, lines);
        Assert.Contains(lines, l => l.Contains("epoch 3/3 loss ", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: '{l}'"));
        Assert.True(ProgressDisplay.EpochText(t, compact: true).Length > 56, "the long metric names must need cutting");
    }

    private sealed class LongNames : TrainingModule
    {
        private readonly Nn.Layers.Linear _fc;

        public LongNames() => _fc = RegisterModule("fc", new Nn.Layers.Linear(8, 4, generator: new Generator(1)));

        public override Tensor TrainingStep(Batch batch, int batchIndex)
        {
            Log("train_accuracy_top5", 0.5);
            return Functional.CrossEntropy(_fc.Forward(batch.Input), batch.Target);
        }

        public override void ValidationStep(Batch batch, int batchIndex) => Log("validation_cross_entropy", 1.25);

        public override OptimizerConfig ConfigureOptimizers() => new Optim.Sgd(Parameters(), 0.1);
    }
}
