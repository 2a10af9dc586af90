using Tessera.Data;
using Tessera.IO;
using Tessera.Models;
using Tessera.Nn;
using Tessera.Nn.Losses;
using Tessera.Optim;
using Tessera.Training.Loggers;

namespace Tessera.Training.Tests;

public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-trainer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Trainer Quiet(int epochs, string? dir = null, long maxSteps = -1) =>
        new() { MaxEpochs = epochs, MaxSteps = maxSteps, RunDirectory = dir, EnableProgressBar = false };

    [Fact]
    public void AccumulatingFourBatchesOfEightEqualsOneBatchOf32()
    {
        var data = TestModules.Data(64);
        var big = TestModules.Classifier(optimizer: "sgd", lr: 0.5);
        var small = TestModules.Classifier(optimizer: "sgd", lr: 0.5);
        Quiet(2).Fit(big, TestModules.Loader(data, 32, shuffle: false));
        new Trainer { MaxEpochs = 2, AccumulateGradBatches = 4, EnableProgressBar = false }.Fit(small, TestModules.Loader(data, 8, shuffle: false));
        var pb = TestModules.Params(big.Network);
        var ps = TestModules.Params(small.Network);
        var p0 = TestModules.Params(TestModules.Classifier(optimizer: "sgd").Network);
        for (int i = 0; i < pb.Length; i++)
            for (int j = 0; j < pb[i].Length; j++)
                Assert.Equal(pb[i][j], ps[i][j], 1e-5f);
        // And training moved the parameters (4 steps), so the comparison is not vacuous.
        Assert.True(pb[0].Zip(p0[0]).Max(t => Math.Abs(t.First - t.Second)) > 1e-3);
    }

    [Fact]
    public void GradientClipValueClampsEachElementBeforeTheStep()
    {
        var data = TestModules.Data(16);
        var module = TestModules.Classifier(optimizer: "sgd", lr: 1.0);
        var reference = TestModules.Classifier(optimizer: "sgd", lr: 1.0);
        new Trainer { MaxEpochs = 1, GradientClipValue = 1e-3, EnableProgressBar = false }.Fit(module, TestModules.Loader(data, 16, shuffle: false));

        // Independently: one SGD step with the clamped gradient of the same loss.
        var net = (Mlp)reference.Network;
        var loss = Functional.CrossEntropy(net.Forward(data.Inputs), data.Targets).Add(Regularization.L1(net.Parameters()).Mul(1e-4));
        loss.Backward();
        var expected = net.Parameters().Select(p =>
        {
            var w = p.Detach().ToArray<float>();
            var g = p.Grad!.ToArray<float>();
            return w.Select((v, i) => v - Math.Clamp(g[i], -1e-3f, 1e-3f)).ToArray();
        }).ToArray();
        var got = TestModules.Params(module.Network);
        for (int i = 0; i < got.Length; i++)
            for (int j = 0; j < got[i].Length; j++)
                Assert.Equal(expected[i][j], got[i][j], 1e-6f);
    }

    [Fact]
    public void GradientClipNormLimitsTheUpdateNorm()
    {
        var data = TestModules.Data(16);
        var module = TestModules.Classifier(optimizer: "sgd", lr: 1.0);
        var before = TestModules.Params(module.Network);
        new Trainer { MaxEpochs = 1, GradientClipNorm = 0.01, EnableProgressBar = false }.Fit(module, TestModules.Loader(data, 16, shuffle: false));
        var after = TestModules.Params(module.Network);
        double sq = 0;
        for (int i = 0; i < after.Length; i++)
            for (int j = 0; j < after[i].Length; j++) sq += Math.Pow(after[i][j] - before[i][j], 2);
        // With lr 1 the update is the clipped gradient, whose norm is 0.01 (the unclipped one is far larger).
        Assert.Equal(0.01, Math.Sqrt(sq), 4);
    }

    [Fact]
    public void ResumeAfterOneEpochIsBitIdenticalToAStraightRun()
    {
        var data = TestModules.Data(60);
        var straight = TestModules.Classifier();
        var ta = Quiet(3, Path.Combine(_dir, "a"));
        ta.Fit(straight, TestModules.Loader(data, 8), TestModules.Loader(data, 32, shuffle: false));

        string b = Path.Combine(_dir, "b");
        Quiet(1, b).Fit(TestModules.Classifier(), TestModules.Loader(data, 8), TestModules.Loader(data, 32, shuffle: false));
        var resumed = TestModules.Classifier(seed: 99);   // different init: everything must come from the checkpoint
        var tb = Quiet(3, b);
        tb.Fit(resumed, TestModules.Loader(data, 8), TestModules.Loader(data, 32, shuffle: false), Path.Combine(b, "checkpoint.safetensors"));

        Assert.True(tb.Resumed);
        TestModules.AssertBitIdentical(straight.Network, resumed.Network);
        Assert.Equal(3, tb.Epoch);
        Assert.Equal(ta.GlobalStep, tb.GlobalStep);
        Assert.Equal(3, tb.History.Count);
        for (int e = 0; e < 3; e++)
            foreach (var k in new[] { "train_loss", "train_acc", "val_loss", "val_acc" })
                Assert.Equal(ta.History[e].Values[k], tb.History[e].Values[k]);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a", "model.safetensors")), File.ReadAllBytes(Path.Combine(b, "model.safetensors")));
        var rows = CsvLogger.Read(Path.Combine(b, "metrics.csv"));
        Assert.Equal([1, 2, 3], rows.Select(r => r.Epoch));
        Assert.Equal(tb.History[2].Values["train_loss"], rows[2].Values["train_loss"]);
        // StepLR x0.7 per epoch, stepped by the trainer at each epoch end.
        Assert.Equal(1e-2 * 0.7 * 0.7 * 0.7, tb.Optimizers[0].ParamGroups[0].Lr, 12);
    }

    [Fact]
    public void MidEpochCheckpointResumesBitIdentically()
    {
        var data = TestModules.Data(64);
        var straight = TestModules.Classifier();
        Quiet(2).Fit(straight, TestModules.Loader(data, 8));

        string dir = Path.Combine(_dir, "mid");
        var first = TestModules.Classifier();
        // Saves every 3 steps; the timer-like stop comes from a callback after step 11 (mid-epoch 2).
        var stopper = new StopAtStep(11);
        var t1 = new Trainer { MaxEpochs = 2, EnableProgressBar = false, Callbacks = { new Callbacks.ModelCheckpoint(dir) { EveryNSteps = 3 }, stopper } };
        Assert.Throws<StopAtStep.Stop>(() => t1.Fit(first, TestModules.Loader(data, 8)));
        var ck = Checkpoint.Load(Path.Combine(dir, "checkpoint.safetensors"));
        Assert.Equal(9, ck.Step);
        Assert.Equal(1, ck.Epoch);

        var resumed = TestModules.Classifier(seed: 5);
        var t2 = Quiet(2);
        t2.Fit(resumed, TestModules.Loader(data, 8), ckptPath: Path.Combine(dir, "checkpoint.safetensors"));
        TestModules.AssertBitIdentical(straight.Network, resumed.Network);
        Assert.Equal(16, t2.GlobalStep);
    }

    private sealed class StopAtStep(long step) : Callbacks.Callback
    {
        public sealed class Stop : Exception;

        public override void OnTrainBatchEnd(Trainer trainer, TrainingModule module, Batch batch, int batchIndex)
        {
            if (trainer.GlobalStep == step) throw new Stop();
        }
    }

    [Fact]
    public void MaxStepsEndsTheEpochThere()
    {
        var data = TestModules.Data(64);
        var t = Quiet(5, maxSteps: 3);
        t.Fit(TestModules.Classifier(), TestModules.Loader(data, 8), TestModules.Loader(data, 64, shuffle: false));
        Assert.Equal(3, t.GlobalStep);
        Assert.Equal(1, t.Epoch);
        var row = Assert.Single(t.History);
        Assert.Equal(3, row.Step);
        Assert.True(row.Values.ContainsKey("val_acc"));
        Assert.Equal(new DataLoaderState(7, 1, 0), t.TrainLoader!.GetState());
    }

    [Fact]
    public void EpochMeansAreWeightedByBatchSize()
    {
        // 10 examples in batches of 4, 4, 2: the epoch mean of a value logged per batch weighs them 4:4:2.
        var data = TestModules.Data(10);
        var module = new LoggingModule();
        var t = Quiet(1);
        t.Fit(module, TestModules.Loader(data, 4, shuffle: false));
        Assert.Equal((0 * 4 + 1 * 4 + 2 * 2) / 10.0, t.History[0].Values["index"], 12);
        Assert.Equal(3, t.GlobalStep);
    }

    private sealed class LoggingModule : TrainingModule
    {
        private readonly Nn.Layers.Linear _fc;

        public LoggingModule() => _fc = RegisterModule("fc", new Nn.Layers.Linear(8, 4, generator: new Generator(1)));

        public override Tensor TrainingStep(Batch batch, int batchIndex)
        {
            Log("index", batchIndex);
            return Functional.CrossEntropy(_fc.Forward(batch.Input), batch.Target);
        }

        public override OptimizerConfig ConfigureOptimizers() => new Sgd(Parameters(), 0.1);
    }

    [Fact]
    public void NanLossStopsNamingTheStepUnlessAllowed()
    {
        var data = TestModules.Data(32);
        var module = TestModules.Classifier(optimizer: "sgd", lr: 1e30);   // diverges within a few steps
        var e = Assert.Throws<NonFiniteLossException>(() => Quiet(3).Fit(module, TestModules.Loader(data, 8)));
        Assert.Contains($"at step {e.Step + 1} ", e.Message);
        Assert.False(double.IsFinite(e.Value));

        var t = new Trainer { MaxEpochs = 2, StopOnNonFiniteLoss = false, EnableProgressBar = false };
        t.Fit(TestModules.Classifier(optimizer: "sgd", lr: 1e30), TestModules.Loader(data, 8));
        Assert.Equal(8, t.GlobalStep);
        Assert.True(double.IsNaN(t.History[1].Values["train_loss"]) || double.IsInfinity(t.History[1].Values["train_loss"]));
    }

    [Theory]
    [InlineData(Precision.BFloat16Mixed)]
    [InlineData(Precision.Float16Mixed)]
    public void MixedPrecisionIsNotSupportedYet(Precision p)
    {
        var e = Assert.Throws<NotSupportedException>(() => new Trainer { Precision = p });
        Assert.Contains(p.ToString(), e.Message);
        Assert.Contains("later release", e.Message);
        Assert.Equal(Precision.Float32, new Trainer { Precision = Precision.Float32 }.Precision);
    }

    [Fact]
    public void BadOptionsNameTheValue()
    {
        Assert.Contains("0", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer { MaxEpochs = 0 }).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer { GradientClipNorm = double.NaN }).Message);
        Assert.Contains("1.5", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer { ValidationSplit = 1.5 }).Message);
        Assert.Contains("-2", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer { AccumulateGradBatches = -2 }).Message);
    }

    [Fact]
    public void ValidationSplitHoldsOutASeededFraction()
    {
        var data = TestModules.Data(50);
        var t = new Trainer { MaxEpochs = 1, ValidationSplit = 0.2, Seed = 4, EnableProgressBar = false };
        t.Fit(TestModules.Classifier(), TestModules.Loader(data, 8));
        Assert.Equal(40, t.TrainLoader!.Dataset.Count);
        Assert.Equal(10, t.ValLoader!.Dataset.Count);
        Assert.Equal(5, t.GlobalStep);
        Assert.True(t.History[0].Values.ContainsKey("val_acc"));
    }

    [Fact]
    public void ValidateTestAndPredictUseTheSteps()
    {
        var data = TestModules.Data(20);
        var module = TestModules.Classifier();
        var t = Quiet(1);
        var val = t.Validate(module, TestModules.Loader(data, 8, shuffle: false));
        var test = t.Test(module, TestModules.Loader(data, 8, shuffle: false));
        var pred = t.Predict(module, TestModules.Loader(data, 8, shuffle: false));
        Assert.Equal(val["val_acc"], test["test_acc"]);
        Assert.Equal([8, 8, 4], pred.Select(p => p.Size(0)));
        var all = pred.SelectMany(p => p.ToArray<long>()).ToArray();
        var truth = data.Targets.ToArray<long>();
        Assert.Equal(val["val_acc"], all.Zip(truth).Count(z => z.First == z.Second) / 20.0, 12);
    }

    [Fact]
    public void RunFolderIsCleanedAndRegeneratedFromTheCheckpointOnResume()
    {
        var data = TestModules.Data(32);
        string dir = Path.Combine(_dir, "run");
        Quiet(1, dir).Fit(TestModules.Classifier(), TestModules.Loader(data, 8));
        string ckpt = Path.Combine(dir, "checkpoint.safetensors");
        string epoch1 = Path.Combine(_dir, "epoch1.safetensors");
        File.Copy(ckpt, epoch1);
        Quiet(2, dir).Fit(TestModules.Classifier(), TestModules.Loader(data, 8), ckptPath: ckpt);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length);

        // As after a kill between writes: the checkpoint is epoch 1, the weights and metrics are epoch 2, temps lie around.
        File.Copy(epoch1, ckpt, overwrite: true);
        File.WriteAllText(Path.Combine(dir, ".checkpoint.safetensors.0123456789abcdef0123456789abcdef.tmp"), "partial");
        File.WriteAllText(Path.Combine(dir, ".model.safetensors.fedcba9876543210fedcba9876543210.tmp"), "partial");
        File.WriteAllText(Path.Combine(dir, "notes.tmp"), "not ours");
        var t = Quiet(1, dir);
        t.Fit(TestModules.Classifier(seed: 8), TestModules.Loader(data, 8), ckptPath: ckpt);   // nothing left to train

        Assert.Equal(["checkpoint.safetensors", "metrics.csv", "model.safetensors", "notes.tmp"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        var rows = CsvLogger.Read(Path.Combine(dir, "metrics.csv"));
        Assert.Equal([1], rows.Select(r => r.Epoch));
        var model = SafeTensors.Load(Path.Combine(dir, "model.safetensors"), mapped: false);
        var ck = Checkpoint.Load(ckpt);
        foreach (var (k, v) in ck.Model) Assert.Equal(v.ToArray<float>(), model[k].ToArray<float>());
    }

    [Fact]
    public void StepSchedulersStepPerOptimizerStepAndPlateauNeedsItsMetric()
    {
        var data = TestModules.Data(32);
        var stepped = new ClassifierModule(new Mlp(8, 16, 4, new Generator(1)), p =>
        {
            var opt = new Sgd(p, 0.1);
            return new OptimizerConfig(opt, new SchedulerConfig(new Optim.Schedulers.StepLR(opt, stepSize: 1, gamma: 0.5), SchedulerInterval.Step, frequency: 2));
        });
        var t = Quiet(2);
        t.Fit(stepped, TestModules.Loader(data, 8));
        Assert.Equal(8, t.GlobalStep);
        Assert.Equal(0.1 * Math.Pow(0.5, 4), t.Optimizers[0].ParamGroups[0].Lr, 15);

        var plateau = new ClassifierModule(new Mlp(8, 16, 4, new Generator(1)), p =>
        {
            var opt = new Sgd(p, 0.1);
            return new OptimizerConfig(opt, new SchedulerConfig(new Optim.Schedulers.ReduceLROnPlateau(opt), "val_f1"));
        });
        var e = Assert.Throws<InvalidOperationException>(() => Quiet(1).Fit(plateau, TestModules.Loader(data, 8), TestModules.Loader(data, 8)));
        Assert.Contains("'val_f1'", e.Message);
        Assert.Contains("val_acc", e.Message);
    }

    [Fact]
    public void TwoOptimizersAreCheckpointedAndRestored()
    {
        var data = TestModules.Data(32);
        string dir = Path.Combine(_dir, "two");
        TwoOptimizers Make(ulong seed) => new(seed);
        var straight = Make(1);
        Quiet(2).Fit(straight, TestModules.Loader(data, 8));
        Quiet(1, dir).Fit(Make(1), TestModules.Loader(data, 8));
        var ck = Checkpoint.Load(Path.Combine(dir, "checkpoint.safetensors"));
        Assert.Equal(2, ck.Optimizers.Count);
        var resumed = Make(2);
        Quiet(2, dir).Fit(resumed, TestModules.Loader(data, 8), ckptPath: Path.Combine(dir, "checkpoint.safetensors"));
        TestModules.AssertBitIdentical(straight, resumed);
    }

    private sealed class TwoOptimizers : TrainingModule
    {
        private readonly Mlp _net;

        public TwoOptimizers(ulong seed) => _net = RegisterModule("net", new Mlp(8, 16, 4, new Generator(seed)));

        public override Tensor TrainingStep(Batch batch, int batchIndex) => Functional.CrossEntropy(_net.Forward(batch.Input), batch.Target);

        public override OptimizerConfig ConfigureOptimizers() =>
            new([new Adam(_net.Fc1.Parameters(), 1e-2), new Sgd(_net.Fc2.Parameters(), 0.1, momentum: 0.9)], []);
    }
}
