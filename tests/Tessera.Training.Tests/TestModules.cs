using Tessera.Data;
using Tessera.Models;
using Tessera.Nn;
using Tessera.Nn.Layers;
using Tessera.Optim;
using Tessera.Optim.Schedulers;

namespace Tessera.Training.Tests;

/// <summary>Small data and modules shared by the trainer tests.</summary>
internal static class TestModules
{
    /// <summary>(n, 8) Gaussian inputs and labels in 0..3 that depend on them (learnable).</summary>
    public static TensorDataset Data(int n = 64, ulong seed = 123)
    {
        var g = new Generator(seed);
        var x = Tensor.Randn([n, 8], g);
        var y = x.Narrow(1, 0, 4).Argmax(1);
        return new TensorDataset(x, y);
    }

    public static DataLoader Loader(TensorDataset data, int batch, bool shuffle = true, ulong seed = 7) =>
        new(data, batch, shuffle: shuffle, seed: seed, prefetch: 0);

    /// <summary>An Mlp classifier with Adam, StepLR and an L1 term: every kind of state a resume must restore.</summary>
    public static ClassifierModule Classifier(ulong seed = 1, string optimizer = "adam", double lr = 1e-2) =>
        new(new Mlp(8, 16, 4, new Generator(seed)), p =>
        {
            Optimizer opt = optimizer == "sgd" ? new Sgd(p, lr) : new Adam(p, lr);
            return new OptimizerConfig(opt, new StepLR(opt, stepSize: 1, gamma: 0.7));
        })
        { L1 = 1e-4 };

    public static float[][] Params(Module m) => m.Parameters().Select(p => p.Detach().Contiguous().ToArray<float>()).ToArray();

    public static void AssertBitIdentical(Module a, Module b)
    {
        var pa = Params(a);
        var pb = Params(b);
        Assert.Equal(pa.Length, pb.Length);
        for (int i = 0; i < pa.Length; i++)
            Assert.Equal(pa[i].Select(BitConverter.SingleToInt32Bits), pb[i].Select(BitConverter.SingleToInt32Bits));
    }
}

/// <summary>A linear classifier whose validation logs a scripted value per epoch (to drive monitors).</summary>
internal sealed class ScriptedModule : TrainingModule
{
    private readonly double[] _script;
    private readonly string _name;

    public ScriptedModule(string name, params double[] script)
    {
        _name = name;
        _script = script;
        Fc = RegisterModule("fc", new Linear(8, 4, generator: new Generator(3)));
    }

    public Linear Fc { get; }

    public override Tensor TrainingStep(Batch batch, int batchIndex) => Functional.CrossEntropy(Fc.Forward(batch.Input), batch.Target);

    public override void ValidationStep(Batch batch, int batchIndex) => Log(_name, _script[Trainer!.Epoch]);

    public override OptimizerConfig ConfigureOptimizers() => new Sgd(Parameters(), 0.1);
}
