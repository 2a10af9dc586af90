using Tessera.IO;
using Tessera.Testing.Fixtures;

namespace Tessera.Tests.IO;

/// <summary>Every PyTorch fixture parses, follows the role conventions, and the loader reads it back.</summary>
public class OpFixtureFilesTests
{
    private static readonly string[] ExpectedOps =
    [
        "add", "sub", "mul", "div", "neg", "abs", "exp", "log", "sqrt", "rsqrt", "pow", "clamp", "maximum", "minimum",
        "eq", "lt", "gt", "le", "ge", "ne", "where", "masked_fill",
        "relu", "leaky_relu", "gelu", "sigmoid", "tanh", "silu", "softplus",
        "sum", "mean", "var", "std", "max", "min", "argmax", "argmin", "logsumexp",
        "matmul", "linear", "softmax", "log_softmax", "cross_entropy", "mse_loss",
        "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "embedding", "index_select", "gather", "scatter_add",
        "cat", "stack", "split", "chunk", "layer_norm", "batch_norm",
        "reshape", "permute", "transpose", "narrow", "select", "squeeze", "unsqueeze", "expand",
    ];

    public static TheoryData<string> Ops() => new(OpFixture.AvailableOps());

    [Fact]
    public void AllRequestedOpsHaveFixturesAndTheyAreSmall()
    {
        var available = OpFixture.AvailableOps();
        Assert.Empty(ExpectedOps.Except(available));
        long total = Directory.EnumerateFiles(RepoPaths.FixturesDirectory, "*", SearchOption.AllDirectories).Sum(p => new FileInfo(p).Length);
        Assert.True(total < 2_000_000, $"fixtures take {total} bytes");
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void FixtureParsesAndIsConsistent(string op)
    {
        // Strict raw parse (every reader check) ...
        using (var raw = SafeTensorsFile.Read(Path.Combine(RepoPaths.OpFixturesDirectory, op + ".safetensors")))
        {
            Assert.Equal(op, raw.Metadata["op"]);
            Assert.All(raw.Entries, e => Assert.Contains(e.DType, new[] { SafeTensorsDType.F64, SafeTensorsDType.I64, SafeTensorsDType.Bool }));
        }

        // ... and through the loader.
        var fixture = OpFixture.Load(op);
        Assert.Equal(op, fixture.Op);
        Assert.StartsWith("1.13", fixture.TorchVersion);
        Assert.True(fixture.Cases.Count >= 2, $"{op} has {fixture.Cases.Count} cases");
        foreach (var c in fixture.Cases)
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Object, c.Kwargs.ValueKind);
            Assert.NotEmpty(c.Inputs);
            Assert.NotEmpty(c.Outputs);
            Assert.Equal(c.Outputs.Count, c.GradOutputs.Count);
            Assert.Equal(c.Inputs.Count, c.Grads.Count);
            for (int i = 0; i < c.Outputs.Count; i++)
            {
                Assert.Equal(c.Outputs[i].Length, c.Outputs[i].AsDoubles().Length);
                if (c.GradOutputs[i] is { } g)
                {
                    Assert.Equal(c.Outputs[i].Shape, g.Shape);
                    Assert.True(g.IsFloat);
                }
            }
            for (int i = 0; i < c.Inputs.Count; i++)
            {
                if (c.Grads[i] is { } g)
                {
                    Assert.Equal(c.Inputs[i].Shape, g.Shape);
                    Assert.True(c.Inputs[i].IsFloat, $"{c}: gradient for non-float input {i}");
                }
            }
            Assert.Equal(c.HasGrads, c.GradOutputs.Any(g => g is not null));
        }
    }

    [Fact]
    public void AddFixtureMeansWhatTheReadmeSays()
    {
        // Cross-check the role conventions on an op whose math is trivial.
        var c = OpFixture.Load("add")["row"];   // (3,4) + (4,)
        Assert.True(c.SingleOutput);
        var a = c.Inputs[0].Doubles!;
        var b = c.Inputs[1].Doubles!;
        var o = c.Output.Doubles!;
        var g = c.GradOutput!.Doubles!;
        Assert.Equal([3L, 4L], c.Output.Shape);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(a[i * 4 + j] + b[j], o[i * 4 + j], 15);
                Assert.Equal(g[i * 4 + j], c.Grads[0]!.Doubles![i * 4 + j]);
            }
        for (int j = 0; j < 4; j++)
            Assert.Equal(g[j] + g[4 + j] + g[8 + j], c.Grads[1]!.Doubles![j], 14);

        var scalar = OpFixture.Load("add")["scalar_other"];
        Assert.Single(scalar.Inputs);
        Assert.Equal(1.5, scalar.GetDouble("other"));
    }

    [Fact]
    public void MultiOutputAndExtrasAreExposed()
    {
        var max = OpFixture.Load("max")["dim1"];
        Assert.False(max.SingleOutput);
        Assert.Equal(2, max.Outputs.Count);
        Assert.Equal(SafeTensorsDType.I64, max.Outputs[1].DType);
        Assert.NotNull(max.GradOutputs[0]);
        Assert.Null(max.GradOutputs[1]);
        Assert.Equal(1, max.GetInt("dim"));
        Assert.False(max.GetBool("keepdim", false));
        var x = max.Inputs[0].Doubles!;
        var values = max.Outputs[0].Doubles!;
        var indices = max.Outputs[1].Longs!;
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(x.Skip(i * 4).Take(4).Max(), values[i]);
            Assert.Equal(values[i], x[i * 4 + indices[i]]);
        }

        var bn = OpFixture.Load("batch_norm")["train_4d"];
        Assert.Equal(5, bn.Inputs.Count);
        Assert.Null(bn.Grads[1]);
        Assert.Null(bn.Grads[2]);
        Assert.NotNull(bn.Grads[3]);
        Assert.Equal([2L], bn.Extras["running_mean"].Shape);
        Assert.Equal([2L], bn.Extras["running_var"].Shape);
        Assert.True(bn.GetBool("training", false));

        var conv = OpFixture.Load("conv2d")["asym"];
        Assert.Equal([2, 1], conv.GetInts("stride")!);
        Assert.Equal([1, 1], conv.GetInts("groups", repeat: 2)!);
        Assert.Equal("same", OpFixture.Load("conv2d")["same"].GetString("padding"));

        var cmp = OpFixture.Load("lt")["same"];
        Assert.Equal(SafeTensorsDType.Bool, cmp.Output.DType);
        Assert.False(cmp.HasGrads);
        Assert.Throws<KeyNotFoundException>(() => OpFixture.Load("lt")["nope"]);
    }
}
