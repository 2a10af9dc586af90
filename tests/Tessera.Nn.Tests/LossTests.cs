using Tessera.Nn;
using Tessera.Nn.Losses;
using Tessera.Testing;

namespace Tessera.Nn.Tests;

public class LossTests
{
    private static Tensor R(int[] shape, ulong seed, bool grad = true) => Tensor.Randn(shape, new Generator(seed), DType.Float64, requiresGrad: grad);

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    [Fact]
    public void MseL1HuberHandValues()
    {
        var x = Tensor.FromArray(new double[] { 0, 1, 3, -2 });
        var y = Tensor.FromArray(new double[] { 0.5, 1, 0, 1 });
        // d = (-0.5, 0, 3, -3)
        Assert.Equal((0.25 + 9 + 9) / 4, new MSELoss().Call(x, y).ItemAsDouble(), 12);
        Assert.Equal(0.5 + 3 + 3, new L1Loss(Reduction.Sum).Call(x, y).ItemAsDouble(), 12);
        TensorAssert.Close([0.125, 0, 2.5, 2.5], new HuberLoss(reduction: Reduction.None).Call(x, y), 1e-12, 0, "huber δ=1");
        TensorAssert.Close([0.125, 0, 4, 4], new HuberLoss(2, Reduction.None).Call(x, y), 1e-12, 0, "huber δ=2");
        Assert.Equal((0.125 + 2.5 + 2.5) / 4, Functional.HuberLoss(x, y).ItemAsDouble(), 12);
        Assert.Throws<ArgumentException>(() => Functional.L1Loss(x, Tensor.Zeros([3], DType.Float64)));
        Assert.Equal($"HuberLoss delta must be positive, got -1. (Parameter 'delta'){Environment.NewLine}Actual value was -1.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss(-1)).Message);
    }

    [Fact]
    public void BceWithLogitsMatchesScalarFormulaAndIsStable()
    {
        double[] xs = [-3, -0.5, 0.2, 4, 800, -800];
        double[] ys = [0, 1, 0.3, 1, 0, 1];
        var x = Tensor.FromArray(xs);
        var y = Tensor.FromArray(ys);
        var expected = xs.Select((v, i) => Softplus(v) - v * ys[i]).ToArray();
        TensorAssert.Close(expected, new BCEWithLogitsLoss(reduction: Reduction.None).Call(x, y), 1e-12, 1e-12, "bce");
        Assert.Equal(expected.Average(), new BCEWithLogitsLoss().Call(x, y).ItemAsDouble(), 10);

        // pos_weight p: −[p·y·log σ(x) + (1 − y)·log(1 − σ(x))]
        var x2 = Tensor.FromArray(new double[] { -1, 0.5, 2, -0.3 }, [2, 2]);
        var y2 = Tensor.FromArray(new double[] { 1, 0, 0.5, 1 }, [2, 2]);
        var pw = Tensor.FromArray(new double[] { 3, 0.5 });
        var w = Tensor.FromArray(new double[] { 2, 1, 1, 0.5 }, [2, 2]);
        var xv = x2.ToDoubleArray();
        var yv = y2.ToDoubleArray();
        var exp = new double[4];
        for (int i = 0; i < 4; i++)
        {
            double p = i % 2 == 0 ? 3 : 0.5;
            exp[i] = new[] { 2, 1, 1, 0.5 }[i] * (p * yv[i] * Softplus(-xv[i]) + (1 - yv[i]) * Softplus(xv[i]));
        }
        Assert.Equal(exp.Sum(), new BCEWithLogitsLoss(w, pw, Reduction.Sum).Call(x2, y2).ItemAsDouble(), 12);
    }

    [Fact]
    public void CrossEntropyAndNllModules()
    {
        var logits = Tensor.FromArray(new double[] { 1, 2, 0.5, -1, 0, 3 }, [2, 3]);
        var target = Tensor.FromArray(new long[] { 1, 2 });
        double Lse(double[] r) => Math.Log(r.Sum(Math.Exp));
        double l0 = Lse([1, 2, 0.5]) - 2, l1 = Lse([-1, 0, 3]) - 3;
        Assert.Equal((l0 + l1) / 2, new CrossEntropyLoss().Call(logits, target).ItemAsDouble(), 12);
        var weight = Tensor.FromArray(new double[] { 1, 2, 4 });
        Assert.Equal((2 * l0 + 4 * l1) / 6, new CrossEntropyLoss(weight).Call(logits, target).ItemAsDouble(), 12);
        Assert.Equal(l1, new CrossEntropyLoss(ignoreIndex: 1).Call(logits, target).ItemAsDouble(), 12);
        // label smoothing ε: (1 − ε)·nll + ε/C·Σ_c −log p_c
        double eps = 0.1;
        double s0 = 3 * Lse([1, 2, 0.5]) - 3.5, s1 = 3 * Lse([-1, 0, 3]) - 2;
        Assert.Equal(((1 - eps) * (l0 + l1) + eps / 3 * (s0 + s1)) / 2, new CrossEntropyLoss(labelSmoothing: eps).Call(logits, target).ItemAsDouble(), 12);
        var nll = new NLLLoss(reduction: Reduction.Sum).Call(logits.LogSoftmax(1), target).ItemAsDouble();
        Assert.Equal(l0 + l1, nll, 12);
        var ce = new CrossEntropyLoss(weight);
        Assert.Equal(["weight"], ce.StateDict().Keys.ToArray());
    }

    [Fact]
    public void KLDivReductionsAndLogTarget()
    {
        double[] lp = [Math.Log(0.2), Math.Log(0.8), Math.Log(0.5), Math.Log(0.5)];
        double[] t = [0.5, 0.5, 0, 1];
        var input = Tensor.FromArray(lp, [2, 2]);
        var target = Tensor.FromArray(t, [2, 2]);
        var pointwise = t.Select((v, i) => v == 0 ? 0 : v * (Math.Log(v) - lp[i])).ToArray();
        TensorAssert.Close(pointwise, new KLDivLoss(KLDivReduction.None).Call(input, target), 1e-12, 1e-12, "kl none");
        Assert.Equal(pointwise.Average(), new KLDivLoss().Call(input, target).ItemAsDouble(), 12);
        Assert.Equal(pointwise.Sum(), new KLDivLoss(KLDivReduction.Sum).Call(input, target).ItemAsDouble(), 12);
        Assert.Equal(pointwise.Sum() / 2, new KLDivLoss(KLDivReduction.BatchMean).Call(input, target).ItemAsDouble(), 12);
        var logT = Tensor.FromArray(new double[] { Math.Log(0.5), Math.Log(0.5), -30, 0 }, [2, 2]);
        var expLog = new[] { Math.Log(0.5), Math.Log(0.5), -30, 0 }.Select((v, i) => Math.Exp(v) * (v - lp[i])).ToArray();
        Assert.Equal(expLog.Sum(), new KLDivLoss(KLDivReduction.Sum, logTarget: true).Call(input, logT).ItemAsDouble(), 12);
    }

    [Fact]
    public void GradCheckNewLosses()
    {
        var x = R([3, 4], 1);
        var y = R([3, 4], 2);
        GradCheck.Check(t => Functional.L1Loss(t[0], t[1]), [x, y]);
        GradCheck.Check(t => Functional.HuberLoss(t[0], t[1], 0.7), [x, y]);
        GradCheck.Check(t => Functional.HuberLoss(t[0], t[1], 0.7, Reduction.None), [x, y]);
        var yb = Tensor.Rand([3, 4], new Generator(3), DType.Float64, requiresGrad: true);
        var pw = Tensor.FromArray(new double[] { 0.5, 1, 2, 3 }, requiresGrad: true);
        GradCheck.Check(t => Functional.BinaryCrossEntropyWithLogits(t[0], t[1]), [x, yb]);
        GradCheck.Check(t => Functional.BinaryCrossEntropyWithLogits(t[0], t[1], posWeight: t[2], reduction: Reduction.Sum), [x, yb, pw]);
        var logp = R([3, 4], 4).Detach().LogSoftmax(1).RequiresGrad_();
        var p = Tensor.Rand([3, 4], new Generator(5), DType.Float64).Add(0.1).RequiresGrad_();
        GradCheck.Check(t => Functional.KLDiv(t[0], t[1], KLDivReduction.BatchMean), [logp, p]);
        GradCheck.Check(t => Functional.KLDiv(t[0], t[1], KLDivReduction.Sum, logTarget: true), [logp, R([3, 4], 6)]);
        var reg = new Tensor[] { R([2, 3], 7), R([4], 8) };
        GradCheck.Check(t => Regularization.L1(t).Add(Regularization.L2(t)), reg);
    }

    [Fact]
    public void KLDivZeroTargetHasFiniteGradient()
    {
        var input = Tensor.FromArray(new double[] { -1, -2 }, requiresGrad: true);
        var target = Tensor.FromArray(new double[] { 0, 1 }, requiresGrad: true);
        Functional.KLDiv(input, target, KLDivReduction.Sum).Backward();
        Assert.All(target.Grad!.ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
        TensorAssert.Close([0, -1], input.Grad!, 0, 0, "d/dinput");
    }

    [Fact]
    public void RegularizationValues()
    {
        var a = Tensor.FromArray(new double[] { 1, -2 });
        var b = Tensor.FromArray(new double[] { 3 });
        Assert.Equal(6, Regularization.L1([a, b]).ItemAsDouble());
        Assert.Equal(14, Regularization.L2([a, b]).ItemAsDouble());
        Assert.Equal(0, Regularization.L2([]).ItemAsDouble());
        var lin = new Tessera.Nn.Layers.Linear(2, 2);
        var l2 = Regularization.L2(lin.Parameters());
        l2.Backward();
        TensorAssert.Close(lin.Weight.ToDoubleArray().Select(v => 2 * v).ToArray(), lin.Weight.Grad!, 1e-6, 1e-6, "dL2/dw");
    }
}
