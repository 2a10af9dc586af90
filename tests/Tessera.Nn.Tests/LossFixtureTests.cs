using Tessera.Nn.Losses;
using Tessera.Testing;
using Tessera.Testing.Fixtures;

namespace Tessera.Nn.Tests;

/// <summary>Losses against PyTorch 1.13 outputs and gradients (tests/fixtures/nn, written by tools/make_nn_fixtures.py).</summary>
public class LossFixtureTests
{
    private static Tensor ToTensor(FixtureTensor t, bool grad) =>
        t.IsFloat ? Tensor.FromArray(t.AsDoubles(), t.ShapeInts, requiresGrad: grad) : Tensor.FromArray(t.AsLongs(), t.ShapeInts);

    private static Reduction Red(OpFixtureCase c) => c.GetString("reduction", "mean") switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        "none" => Reduction.None,
        var r => throw new InvalidDataException($"unknown reduction {r}"),
    };

    private static Tensor Run(string op, OpFixtureCase c, Tensor[] x) => op switch
    {
        "mse_loss" => new MSELoss(Red(c)).Call(x[0], x[1]),
        "l1_loss" => new L1Loss(Red(c)).Call(x[0], x[1]),
        "huber_loss" => new HuberLoss(c.GetDouble("delta", 1.0), Red(c)).Call(x[0], x[1]),
        "binary_cross_entropy_with_logits" => x.Length switch
        {
            2 => new BCEWithLogitsLoss(reduction: Red(c)).Call(x[0], x[1]),
            3 => new BCEWithLogitsLoss(posWeight: x[2], reduction: Red(c)).Call(x[0], x[1]),
            _ => new BCEWithLogitsLoss(x[2], x[3], Red(c)).Call(x[0], x[1]),
        },
        "kl_div" => new KLDivLoss(c.GetString("reduction", "mean") switch
        {
            "batchmean" => KLDivReduction.BatchMean,
            "sum" => KLDivReduction.Sum,
            "none" => KLDivReduction.None,
            _ => KLDivReduction.Mean,
        }, c.GetBool("log_target", false)).Call(x[0], x[1]),
        "cross_entropy" => new CrossEntropyLoss(x.Length > 2 ? x[2] : null, c.GetInt("ignore_index", -100), c.GetDouble("label_smoothing", 0), Red(c)).Call(x[0], x[1]),
        "nll_loss" => new NLLLoss(x.Length > 2 ? x[2] : null, c.GetInt("ignore_index", -100), Red(c)).Call(x[0], x[1]),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [InlineData("mse_loss")]
    [InlineData("l1_loss")]
    [InlineData("huber_loss")]
    [InlineData("binary_cross_entropy_with_logits")]
    [InlineData("kl_div")]
    [InlineData("cross_entropy")]
    [InlineData("nll_loss")]
    public void MatchesPyTorch(string op)
    {
        var fixture = OpFixture.LoadFile(Path.Combine(RepoPaths.FixturesDirectory, "nn", op + ".safetensors"));
        Assert.NotEmpty(fixture.Cases);
        foreach (var c in fixture.Cases)
        {
            var x = c.Inputs.Select((t, i) => ToTensor(t, c.Grads[i] is not null)).ToArray();
            var y = Run(op, c, x);
            TensorAssert.Close(c.Output.AsDoubles(), y, 1e-12, 1e-10, $"{op}.{c.Name} out", c.Output.ShapeInts);
            if (c.GradOutput is not { } gout) continue;
            y.Backward(ToTensor(gout, false));
            for (int i = 0; i < x.Length; i++)
                if (c.Grads[i] is { } g)
                {
                    var expected = g.AsDoubles();
                    var actual = (x[i].Grad ?? Tensor.ZerosLike(x[i])).ToDoubleArray();
                    if (op == "kl_div" && i == 1 && !c.GetBool("log_target", false))
                    {
                        // PyTorch's d/dtarget of target·log(target) is NaN at target = 0; ours is the finite
                        // one-sided value (a deliberate choice so a zero target never poisons a gradient).
                        var t = c.Inputs[1].AsDoubles();
                        for (int k = 0; k < expected.Length; k++)
                        {
                            Assert.Equal(t[k] == 0, double.IsNaN(expected[k]));
                            if (t[k] == 0) { Assert.True(double.IsFinite(actual[k])); expected[k] = actual[k]; }
                        }
                    }
                    TensorAssert.Close(expected, actual, 1e-12, 1e-10, $"{op}.{c.Name} grad{i}");
                }
        }
    }
}
