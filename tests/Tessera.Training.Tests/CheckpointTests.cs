using Tessera.Data;
using Tessera.Models;
using Tessera.Nn;
using Tessera.Optim;
using Tessera.Optim.Schedulers;
using Tessera.Training;

namespace Tessera.Training.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TensorDataset Data()
    {
        var g = new Generator(123);
        return new TensorDataset(Tensor.Randn([40, 8], g), Tensor.Randint(0, 4, [40], g));
    }

    private sealed record Run(Mlp Net, Sgd Opt, StepLR Sched, DataLoader Loader, Generator Gen);

    private static Run Make(TensorDataset data, ulong seed)
    {
        var gen = new Generator(seed);
        var net = new Mlp(8, 16, 4, gen);
        var opt = new Sgd(net.Parameters(), lr: 0.1, momentum: 0.9);
        var sched = new StepLR(opt, stepSize: 3, gamma: 0.5);
        // 5 batches per epoch, so the runs below cross epoch boundaries.
        var loader = new DataLoader(data, batchSize: 8, shuffle: true, seed: 7, prefetch: 0);
        return new Run(net, opt, sched, loader, gen);
    }

    private static void Steps(Run r, int steps)
    {
        while (steps > 0)
        {
            foreach (var batch in r.Loader)
            {
                r.Opt.ZeroGrad();
                // Input noise draws from the generator, so its state must be restored too.
                var x = batch.Input.Add(Tensor.Randn([batch.Size, 8], r.Gen).Mul(0.01f));
                var loss = Functional.CrossEntropy(r.Net.Forward(x), batch.Target);
                loss.Backward();
                r.Opt.Step();
                r.Sched.Step();
                if (--steps == 0) break;
            }
        }
    }

    private static float[][] Params(Module m) => m.Parameters().Select(p => p.Detach().Contiguous().ToArray<float>()).ToArray();

    [Fact]
    public void ResumeFromCheckpointIsBitIdentical()
    {
        var data = Data();
        string path = Path.Combine(_dir, "checkpoint.safetensors");

        var a = Make(data, 1);
        Steps(a, 7);
        var ckpt = Checkpoint.Capture(a.Net, a.Opt, a.Sched.StateDict(), a.Gen, a.Loader, epoch: 1, step: 7);
        ckpt.Extra["model"] = "mlp";
        ckpt.Save(path);
        Steps(a, 6);

        var b = Make(data, 99);
        Assert.NotEqual(Params(a.Net)[0], Params(b.Net)[0]);
        var loaded = Checkpoint.Load(path);
        Assert.Equal(1, loaded.Epoch);
        Assert.Equal(7, loaded.Step);
        Assert.Equal("mlp", loaded.Extra["model"]);
        Assert.NotNull(loaded.Optimizer);
        Assert.True(loaded.Optimizer!.State[0].Buffers.ContainsKey("momentum_buffer"));
        loaded.Restore(b.Net, b.Opt, b.Gen, b.Loader);
        b.Sched.LoadStateDict(loaded.Scheduler!);
        Assert.Equal(a.Sched.StateDict().BaseLrs, b.Sched.StateDict().BaseLrs);
        Steps(b, 6);

        var pa = Params(a.Net);
        var pb = Params(b.Net);
        Assert.Equal(pa.Length, pb.Length);
        for (int i = 0; i < pa.Length; i++)
            Assert.Equal(pa[i].Select(BitConverter.SingleToInt32Bits), pb[i].Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(a.Opt.ParamGroups[0].Lr, b.Opt.ParamGroups[0].Lr);
        Assert.Equal(a.Loader.GetState(), b.Loader.GetState());
        Assert.Equal(a.Gen.GetState(), b.Gen.GetState());
    }

    [Fact]
    public void SaveReplacesAtomicallyAndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(_dir, "checkpoint.safetensors");
        var net = new Mlp(8, 16, 4, new Generator(1));
        Checkpoint.Capture(net, step: 1).Save(path);
        var net2 = new Mlp(8, 16, 4, new Generator(2));
        Checkpoint.Capture(net2, step: 2).Save(path);

        Assert.Equal(["checkpoint.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        var loaded = Checkpoint.Load(path);
        Assert.Equal(2, loaded.Step);
        Assert.Null(loaded.Optimizer);
        Assert.Equal(net2.Fc1.Weight.Detach().ToArray<float>(), loaded.Model["fc1.weight"].ToArray<float>());
    }

    [Fact]
    public void LoadRejectsPlainStateDict()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        Tessera.IO.SafeTensors.Save(new Mlp(8, 16, 4, new Generator(1)).StateDict(), path);
        Assert.Throws<FormatException>(() => Checkpoint.Load(path));
    }
}
