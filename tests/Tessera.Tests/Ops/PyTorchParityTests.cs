using Tessera.Testing;
using Tessera.Testing.Fixtures;

namespace Tessera.Tests.Ops;

/// <summary>
/// Every fixture written by tools/make_fixtures.py (PyTorch 1.13, float64) is replayed through Tessera:
/// forward outputs and input gradients must match in Float64 (1e-10) and forwards in Float32 (1e-4 relative).
/// </summary>
public class PyTorchParityTests
{
    private delegate Tensor[] OpRunner(OpFixtureCase c, Tensor[] inputs);

    private static (int, int)? Pair(OpFixtureCase c, string key) => c.GetInts(key, 2) is { } v ? (v[0], v[1]) : null;

    private static int[]? Dims(OpFixtureCase c, string key = "dim") => c.Has(key) ? c.GetInts(key) : null;

    private static Reduction Red(OpFixtureCase c) => c.GetString("reduction", "mean") switch
    {
        "sum" => Reduction.Sum,
        "none" => Reduction.None,
        _ => Reduction.Mean,
    };

    private static Tensor Other(OpFixtureCase c, Tensor[] t) => t.Length > 1 ? t[1] : Tensor.Scalar(c.GetDouble("other"), t[0].DType);

    private static readonly Dictionary<string, OpRunner> Runners = new()
    {
        ["add"] = (c, t) => [t[0].Add(Other(c, t), c.GetDouble("alpha", 1))],
        ["sub"] = (c, t) => [t[0].Sub(Other(c, t).Mul(c.GetDouble("alpha", 1)))],
        ["mul"] = (c, t) => [t[0].Mul(Other(c, t))],
        ["div"] = (c, t) => [t[0].Div(Other(c, t))],
        ["neg"] = (c, t) => [t[0].Neg()],
        ["abs"] = (c, t) => [t[0].Abs()],
        ["exp"] = (c, t) => [t[0].Exp()],
        ["log"] = (c, t) => [t[0].Log()],
        ["sqrt"] = (c, t) => [t[0].Sqrt()],
        ["rsqrt"] = (c, t) => [t[0].Rsqrt()],
        ["pow"] = (c, t) => [t.Length > 1 ? t[0].Pow(t[1]) : t[0].Pow(c.GetDouble("exponent"))],
        ["clamp"] = (c, t) => [t[0].Clamp(c.Has("min") ? c.GetDouble("min") : null, c.Has("max") ? c.GetDouble("max") : null)],
        ["maximum"] = (c, t) => [t[0].Maximum(t[1])],
        ["minimum"] = (c, t) => [t[0].Minimum(t[1])],
        ["eq"] = (c, t) => [t[0].Eq(Other(c, t))],
        ["ne"] = (c, t) => [t[0].Ne(Other(c, t))],
        ["lt"] = (c, t) => [t[0].Lt(Other(c, t))],
        ["le"] = (c, t) => [t[0].Le(Other(c, t))],
        ["gt"] = (c, t) => [t[0].Gt(Other(c, t))],
        ["ge"] = (c, t) => [t[0].Ge(Other(c, t))],
        ["where"] = (c, t) => [Tensor.Where(t[0], t[1], t[2])],
        ["masked_fill"] = (c, t) => [t[0].MaskedFill(t[1], c.GetDouble("value"))],
        ["relu"] = (c, t) => [t[0].Relu()],
        ["leaky_relu"] = (c, t) => [t[0].LeakyRelu(c.GetDouble("negative_slope", 0.01))],
        ["gelu"] = (c, t) => [t[0].Gelu(c.GetString("approximate", "none") == "tanh")],
        ["sigmoid"] = (c, t) => [t[0].Sigmoid()],
        ["tanh"] = (c, t) => [t[0].Tanh()],
        ["silu"] = (c, t) => [t[0].Silu()],
        ["softplus"] = (c, t) => [t[0].Softplus(c.GetDouble("beta", 1), c.GetDouble("threshold", 20))],
        ["sum"] = (c, t) => [t[0].Sum(Dims(c), c.GetBool("keepdim", false))],
        ["mean"] = (c, t) => [t[0].Mean(Dims(c), c.GetBool("keepdim", false))],
        ["var"] = (c, t) => [t[0].Var(Dims(c), c.GetBool("unbiased", true) ? 1 : 0, c.GetBool("keepdim", false))],
        ["std"] = (c, t) => [t[0].Std(Dims(c), c.GetBool("unbiased", true) ? 1 : 0, c.GetBool("keepdim", false))],
        ["max"] = (c, t) => c.Has("dim") ? Pair2(t[0].Max(c.GetInt("dim"), c.GetBool("keepdim", false))) : [t[0].Max()],
        ["min"] = (c, t) => c.Has("dim") ? Pair2(t[0].Min(c.GetInt("dim"), c.GetBool("keepdim", false))) : [t[0].Min()],
        ["argmax"] = (c, t) => [t[0].Argmax(c.Has("dim") ? c.GetInt("dim") : null, c.GetBool("keepdim", false))],
        ["argmin"] = (c, t) => [t[0].Argmin(c.Has("dim") ? c.GetInt("dim") : null, c.GetBool("keepdim", false))],
        ["logsumexp"] = (c, t) => [t[0].LogSumExp(Dims(c)!, c.GetBool("keepdim", false))],
        ["matmul"] = (c, t) => [t[0].Matmul(t[1])],
        ["linear"] = (c, t) => [Tensor.Linear(t[0], t[1], t.Length > 2 ? t[2] : null)],
        ["softmax"] = (c, t) => [t[0].Softmax(c.GetInt("dim"))],
        ["log_softmax"] = (c, t) => [t[0].LogSoftmax(c.GetInt("dim"))],
        ["cross_entropy"] = (c, t) => [Functional.CrossEntropy(t[0], t[1], t.Length > 2 ? t[2] : null,
            c.GetInt("ignore_index", -100), c.GetDouble("label_smoothing", 0), Red(c))],
        ["mse_loss"] = (c, t) => [Functional.MseLoss(t[0], t[1], Red(c))],
        ["conv2d"] = (c, t) => [Functional.Conv2d(t[0], t[1], t.Length > 2 ? t[2] : null, Pair(c, "stride"), ConvPadding(c, t[1]),
            Pair(c, "dilation"), c.GetInt("groups", 1))],
        ["max_pool2d"] = (c, t) => [Functional.MaxPool2d(t[0], Pair(c, "kernel_size")!.Value, Pair(c, "stride"), Pair(c, "padding"),
            Pair(c, "dilation"), c.GetBool("ceil_mode", false))],
        ["avg_pool2d"] = (c, t) => [Functional.AvgPool2d(t[0], Pair(c, "kernel_size")!.Value, Pair(c, "stride"), Pair(c, "padding"),
            c.GetBool("ceil_mode", false), c.GetBool("count_include_pad", true), c.Has("divisor_override") ? c.GetInt("divisor_override") : null)],
        ["adaptive_avg_pool2d"] = (c, t) => [Functional.AdaptiveAvgPool2d(t[0], Pair(c, "output_size")!.Value)],
        ["embedding"] = (c, t) => [Functional.Embedding(t[0], t[1], c.Has("padding_idx") ? c.GetInt("padding_idx") : null)],
        ["index_select"] = (c, t) => [t[0].IndexSelect(c.GetInt("dim"), t[1])],
        ["gather"] = (c, t) => [t[0].Gather(c.GetInt("dim"), t[1])],
        ["scatter_add"] = (c, t) => [t[0].ScatterAdd(c.GetInt("dim"), t[1], t[2])],
        ["cat"] = (c, t) => [Tensor.Cat(t, c.GetInt("dim", 0))],
        ["stack"] = (c, t) => [Tensor.Stack(t, c.GetInt("dim", 0))],
        ["split"] = (c, t) => c.Kwargs.GetProperty("split_size_or_sections").ValueKind == System.Text.Json.JsonValueKind.Array
            ? t[0].Split(c.GetInts("split_size_or_sections")!, c.GetInt("dim", 0))
            : t[0].Split(c.GetInt("split_size_or_sections"), c.GetInt("dim", 0)),
        ["chunk"] = (c, t) => t[0].Chunk(c.GetInt("chunks"), c.GetInt("dim", 0)),
        ["layer_norm"] = (c, t) => [Functional.LayerNorm(t[0], c.GetInts("normalized_shape")!, t.Length > 1 ? t[1] : null, t.Length > 2 ? t[2] : null, c.GetDouble("eps", 1e-5))],
        ["batch_norm"] = (c, t) => [Functional.BatchNorm(t[0], t[1], t[2], t.Length > 3 ? t[3] : null, t.Length > 4 ? t[4] : null,
            c.GetBool("training", false), c.GetDouble("momentum", 0.1), c.GetDouble("eps", 1e-5))],
        ["reshape"] = (c, t) => [t[0].Reshape(c.GetInts("shape")!)],
        ["permute"] = (c, t) => [t[0].Permute(c.GetInts("dims")!)],
        ["transpose"] = (c, t) => [t[0].Transpose(c.GetInt("dim0"), c.GetInt("dim1"))],
        ["narrow"] = (c, t) => [t[0].Narrow(c.GetInt("dim"), c.GetInt("start"), c.GetInt("length"))],
        ["select"] = (c, t) => [t[0].Select(c.GetInt("dim"), c.GetInt("index"))],
        ["squeeze"] = (c, t) => [t[0].Squeeze(c.Has("dim") ? c.GetInt("dim") : null)],
        ["unsqueeze"] = (c, t) => [t[0].Unsqueeze(c.GetInt("dim"))],
        ["expand"] = (c, t) => [t[0].Expand(c.GetInts("size")!)],
    };

    /// <summary>PyTorch's padding="same" for stride 1: total = dilation·(k−1), split evenly (fixtures use odd kernels).</summary>
    private static (int, int)? ConvPadding(OpFixtureCase c, Tensor weight)
    {
        if (c.GetString("padding", null) is not "same") return c.GetString("padding", null) == "valid" ? (0, 0) : Pair(c, "padding");
        var (dh, dw) = Pair(c, "dilation") ?? (1, 1);
        return (dh * (weight.Shape[2] - 1) / 2, dw * (weight.Shape[3] - 1) / 2);
    }

    private static Tensor[] Pair2((Tensor A, Tensor B) p) => [p.A, p.B];

    public static IEnumerable<object[]> Ops() => OpFixture.AvailableOps().Select(o => new object[] { o });

    [Fact]
    public void EveryFixtureOpHasARunner()
    {
        var missing = OpFixture.AvailableOps().Where(o => !Runners.ContainsKey(o)).ToArray();
        Assert.True(missing.Length == 0, "No runner for fixture ops: " + string.Join(", ", missing));
        Assert.True(OpFixture.AvailableOps().Count >= 60);
    }

    private static Tensor ToTensor(FixtureTensor f, DType floatType, bool requiresGrad)
    {
        int[] shape = f.ShapeInts;
        if (f.Bools is not null) return Tensor.FromArray(f.Bools, shape);
        if (f.Longs is not null) return Tensor.FromArray(f.Longs, shape);
        var t = Tensor.FromArray(f.AsDoubles(), shape).To(floatType);
        return requiresGrad ? t.RequiresGrad_() : t;
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void MatchesPyTorchInFloat64(string op)
    {
        var fixture = OpFixture.Load(op);
        foreach (var c in fixture.Cases)
        {
            var inputs = c.Inputs.Select((f, i) => ToTensor(f, DType.Float64, i < c.Grads.Count && c.Grads[i] is not null)).ToArray();
            var outs = Runners[op](c, inputs);
            Assert.True(outs.Length == c.Outputs.Count, $"{c}: {outs.Length} outputs, fixture has {c.Outputs.Count}");
            for (int k = 0; k < outs.Length; k++)
                TensorAssert.Close(c.Outputs[k].AsDoubles(), outs[k], 1e-10, 1e-10, $"{c} output {k}", c.Outputs[k].ShapeInts);
            if (op == "batch_norm" && c.Extras.ContainsKey("running_mean"))
            {
                TensorAssert.Close(c.Extras["running_mean"].AsDoubles(), inputs[1], 1e-12, 1e-12, $"{c} running_mean");
                TensorAssert.Close(c.Extras["running_var"].AsDoubles(), inputs[2], 1e-12, 1e-12, $"{c} running_var");
            }
            if (!c.HasGrads) continue;
            Tensor? objective = null;
            for (int k = 0; k < outs.Length; k++)
            {
                if (k >= c.GradOutputs.Count || c.GradOutputs[k] is not { } go || !outs[k].RequiresGrad) continue;
                var term = outs[k].Mul(ToTensor(go, DType.Float64, false)).Sum();
                objective = objective is null ? term : objective.Add(term);
            }
            Assert.True(objective is not null, $"{c}: fixture has grads but no differentiable output");
            objective!.Backward();
            for (int i = 0; i < c.Grads.Count; i++)
            {
                if (c.Grads[i] is not { } expected) continue;
                Assert.True(inputs[i].Grad is not null, $"{c}: no gradient for input {i}");
                TensorAssert.Close(expected.AsDoubles(), inputs[i].Grad!, 1e-10, 1e-9, $"{c} grad {i}", expected.ShapeInts);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void MatchesPyTorchInFloat32(string op)
    {
        var fixture = OpFixture.Load(op);
        foreach (var c in fixture.Cases)
        {
            var inputs = c.Inputs.Select(f => ToTensor(f, DType.Float32, false)).ToArray();
            var outs = Runners[op](c, inputs);
            for (int k = 0; k < outs.Length; k++)
            {
                var expected = c.Outputs[k].AsDoubles();
                // masked_fill uses -1e9 fills; softplus/exp ranges: relative tolerance covers them.
                TensorAssert.Close(expected, outs[k], 1e-4, 1e-4, $"{c} float32 output {k}", c.Outputs[k].ShapeInts);
            }
        }
    }
}
