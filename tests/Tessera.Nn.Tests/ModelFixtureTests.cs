using Tessera.IO;
using Tessera.Nn.Layers;
using Tessera.Testing;
using Tessera.Testing.Fixtures;

namespace Tessera.Nn.Tests;

/// <summary>A small CNN against PyTorch 1.13 (tests/fixtures/nn/model_small_cnn.safetensors, tools/make_nn_fixtures.py).</summary>
public class ModelFixtureTests
{
    private static Sequential Build() => new(
        new Sequential(new Conv2d(2, 4, 3, padding: 1, dtype: DType.Float64), new BatchNorm2d(4, dtype: DType.Float64), new ReLU(), new MaxPool2d(2)),
        new AdaptiveAvgPool2d(3),
        new Flatten(),
        new Linear(36, 8, dtype: DType.Float64),
        new LayerNorm(8, dtype: DType.Float64),
        new GELU(),
        new Linear(8, 3, bias: false, dtype: DType.Float64),
        new Tanh());

    private static Tensor Get(SafeTensorsFile f, string name)
    {
        var e = f.GetEntry(name);
        var shape = e.Shape.Select(d => (int)d).ToArray();
        return e.DType == SafeTensorsDType.I64 ? Tensor.FromArray(f.GetInt64(name), shape) : Tensor.FromArray(f.GetFloat64(name), shape);
    }

    [Fact]
    public void LoadsPyTorchStateDictAndMatchesOutputsGradientsBuffersAndPrintout()
    {
        using var f = SafeTensorsFile.Read(Path.Combine(RepoPaths.FixturesDirectory, "nn", "model_small_cnn.safetensors"));
        var model = Build();
        Assert.Equal(f.Metadata["repr"], model.ToString());

        var state = f.Entries.Where(e => e.Name.StartsWith("state.", StringComparison.Ordinal))
            .ToDictionary(e => e.Name["state.".Length..], e => Get(f, e.Name));
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), model.StateDict().Keys.Order(StringComparer.Ordinal));
        model.LoadStateDict(state);

        var x = Get(f, "x");
        model.Eval();
        TensorAssert.Close(f.GetFloat64("out_eval"), model.Forward(x), 1e-12, 1e-9, "eval output");

        model.Train();
        var y = model.Forward(x);
        TensorAssert.Close(f.GetFloat64("out_train"), y, 1e-12, 1e-9, "train output");
        y.Backward(Get(f, "gout"));
        foreach (var (name, p) in model.NamedParameters())
            TensorAssert.Close(f.GetFloat64("grad." + name), p.Grad!, 1e-11, 1e-8, "grad " + name);
        foreach (var (name, b) in model.NamedBuffers())
        {
            if (b.DType == DType.Int64) Assert.Equal(f.GetInt64("after." + name), b.ToArray<long>());
            else TensorAssert.Close(f.GetFloat64("after." + name), b, 1e-12, 1e-9, "buffer " + name);
        }
    }
}
