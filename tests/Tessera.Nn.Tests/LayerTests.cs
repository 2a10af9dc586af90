using Tessera.Nn;
using Tessera.Nn.Layers;
using Tessera.Testing;

namespace Tessera.Nn.Tests;

public class LayerTests
{
    private static readonly Generator Gen = new(42);

    [Fact]
    public void LinearMatchesScalarReference()
    {
        var m = new Linear(3, 2, generator: new Generator(1));
        var x = Tensor.Randn([4, 3], new Generator(2));
        var w = m.Weight.ToDoubleArray();
        var b = m.Bias!.ToDoubleArray();
        var xv = x.ToDoubleArray();
        var expected = new double[8];
        for (int i = 0; i < 4; i++)
            for (int o = 0; o < 2; o++)
            {
                double s = b[o];
                for (int k = 0; k < 3; k++) s += xv[i * 3 + k] * w[o * 3 + k];
                expected[i * 2 + o] = s;
            }
        TensorAssert.Close(expected, m.Forward(x), 1e-5, 1e-5, "linear", [4, 2]);
        var noBias = new Linear(3, 2, bias: false);
        Assert.Null(noBias.Bias);
        Assert.Equal(["weight"], noBias.NamedParameters().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void ConstructorsRejectBadHyperParametersNamingTheValue()
    {
        // The whole message: the sentence with the bad value, the parameter name, and the actual value where one is attached.
        string nl = Environment.NewLine;
        Assert.Equal($"Linear in_features must be positive, got -3. (Parameter 'inFeatures'){nl}Actual value was -3.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(-3, 2)).Message);
        Assert.Equal("Conv2d kernel_size must be positive, got (0, 0). (Parameter 'kernelSize')",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(1, 2, 0)).Message);
        Assert.Equal("Conv2d in_channels (3) must be divisible by groups (2).",
            Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, groups: 2)).Message);
        Assert.Equal($"Dropout probability must be in [0, 1], got 1.5. (Parameter 'p'){nl}Actual value was 1.5.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5)).Message);
        Assert.Equal($"BatchNorm2d momentum must be in [0, 1], got -1. (Parameter 'momentum'){nl}Actual value was -1.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2d(4, momentum: -1)).Message);
        Assert.Equal($"Embedding padding_idx must be in [-5, 5), got 7. (Parameter 'paddingIdx'){nl}Actual value was 7.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(5, 2, paddingIdx: 7)).Message);
        Assert.Equal($"MaxPool2d padding must be in [0, kernel_size/2], got 3. (Parameter 'padding'){nl}Actual value was 3.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(2, padding: 3)).Message);
        Assert.Equal("LayerNorm normalized_shape must be non-empty and positive, got [0]. (Parameter 'normalizedShape')",
            Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNorm(0)).Message);
    }

    [Fact]
    public void Conv2dMatchesDirectLoops()
    {
        var m = new Conv2d(4, 4, 3, stride: 2, padding: 1, dilation: 1, groups: 2, generator: new Generator(5));
        var x = Tensor.Randn([2, 4, 5, 5], new Generator(6));
        var y = m.Forward(x);
        Assert.Equal([2, 4, 3, 3], y.ShapeArray());
        var w = m.Weight.ToDoubleArray();
        var b = m.Bias!.ToDoubleArray();
        var xv = x.ToDoubleArray();
        var expected = new double[2 * 4 * 3 * 3];
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < 4; o++)
                for (int oy = 0; oy < 3; oy++)
                    for (int ox = 0; ox < 3; ox++)
                    {
                        double s = b[o];
                        int g = o / 2;
                        for (int ci = 0; ci < 2; ci++)
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++)
                                {
                                    int iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx;
                                    if (iy < 0 || iy >= 5 || ix < 0 || ix >= 5) continue;
                                    s += xv[((n * 4 + g * 2 + ci) * 5 + iy) * 5 + ix] * w[((o * 2 + ci) * 3 + ky) * 3 + kx];
                                }
                        expected[((n * 4 + o) * 3 + oy) * 3 + ox] = s;
                    }
        TensorAssert.Close(expected, y, 1e-5, 1e-4, "conv");
    }

    [Fact]
    public void PoolingLayers()
    {
        var x = Tensor.Arange(0, 16, 1, DType.Float32).Reshape(1, 1, 4, 4);
        TensorAssert.Close([5, 7, 13, 15], new MaxPool2d(2).Forward(x), 0, 0, "max", [1, 1, 2, 2]);
        TensorAssert.Close([2.5, 4.5, 10.5, 12.5], new AvgPool2d(2).Forward(x), 1e-6, 0, "avg", [1, 1, 2, 2]);
        TensorAssert.Close([7.5], new AdaptiveAvgPool2d(1).Forward(x), 1e-6, 0, "adaptive", [1, 1, 1, 1]);
        TensorAssert.Close([10, 11, 14, 15], new MaxPool2d(3, stride: 1).Forward(x), 0, 0, "max s1", [1, 1, 2, 2]);
    }

    [Fact]
    public void BatchNorm2dTrainingUsesBatchStatsAndUpdatesRunningStats()
    {
        var bn = new BatchNorm2d(3);
        var x = Tensor.Randn([4, 3, 2, 2], new Generator(7)).Mul(2).Add(1);
        var y = bn.Forward(x);
        var xv = x.ToDoubleArray();
        var expected = new double[xv.Length];
        var mean = new double[3];
        var varU = new double[3];
        for (int c = 0; c < 3; c++)
        {
            var vals = new List<(int, double)>();
            for (int n = 0; n < 4; n++)
                for (int s = 0; s < 4; s++) { int i = (n * 3 + c) * 4 + s; vals.Add((i, xv[i])); }
            double m = vals.Average(v => v.Item2);
            double v2 = vals.Sum(v => (v.Item2 - m) * (v.Item2 - m)) / vals.Count;
            foreach (var (i, v) in vals) expected[i] = (v - m) / Math.Sqrt(v2 + 1e-5);
            mean[c] = m;
            varU[c] = v2 * vals.Count / (vals.Count - 1);
        }
        TensorAssert.Close(expected, y, 1e-5, 1e-4, "bn train");
        TensorAssert.Close(mean.Select(m => 0.1 * m).ToArray(), bn.RunningMean!, 1e-6, 1e-5, "running_mean");
        TensorAssert.Close(varU.Select(v => 0.9 + 0.1 * v).ToArray(), bn.RunningVar!, 1e-6, 1e-5, "running_var");
        Assert.Equal(1L, bn.NumBatchesTracked!.Item<long>());

        bn.Eval();
        var y2 = bn.Forward(x);
        var rm = bn.RunningMean!.ToDoubleArray();
        var rv = bn.RunningVar!.ToDoubleArray();
        var expectedEval = xv.Select((v, i) => { int c = i / 4 % 3; return (v - rm[c]) / Math.Sqrt(rv[c] + 1e-5); }).ToArray();
        TensorAssert.Close(expectedEval, y2, 1e-5, 1e-4, "bn eval");
        Assert.Equal(1L, bn.NumBatchesTracked!.Item<long>());
        TensorAssert.Close(rm, bn.RunningMean!, 0, 0, "eval leaves running stats");
    }

    [Fact]
    public void BatchNorm1dCumulativeMomentumAveragesBatches()
    {
        var bn = new BatchNorm1d(2, momentum: null);
        var a = Tensor.FromArray(new float[] { 1, 10, 3, 20 }, [2, 2]);
        var b = Tensor.FromArray(new float[] { 5, 0, 7, 2 }, [2, 2]);
        bn.Forward(a);
        bn.Forward(b);
        // cumulative average of batch means: ((2, 15) + (6, 1)) / 2
        TensorAssert.Close([4, 8], bn.RunningMean!, 1e-6, 1e-6, "cumulative mean");
        Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros([2, 3])));
    }

    [Fact]
    public void LayerNormMatchesReference()
    {
        var ln = new LayerNorm(4);
        using (GradMode.NoGrad())
        {
            ln.Weight!.CopyFrom_(Tensor.FromArray(new float[] { 1, 2, 3, 4 }));
            ln.Bias!.CopyFrom_(Tensor.FromArray(new float[] { 0, 1, 0, -1 }));
        }
        var x = Tensor.Randn([3, 4], new Generator(8));
        var xv = x.ToDoubleArray();
        var expected = new double[12];
        for (int r = 0; r < 3; r++)
        {
            var row = xv.Skip(r * 4).Take(4).ToArray();
            double m = row.Average(), v = row.Sum(t => (t - m) * (t - m)) / 4;
            for (int k = 0; k < 4; k++) expected[r * 4 + k] = (row[k] - m) / Math.Sqrt(v + 1e-5) * (k + 1) + new[] { 0, 1, 0, -1 }[k];
        }
        TensorAssert.Close(expected, ln.Forward(x), 1e-5, 1e-4, "layernorm");
    }

    [Fact]
    public void DropoutIsIdentityInEvalAndMasksInTraining()
    {
        var d = new Dropout(0.3, new Generator(9));
        var x = Tensor.Ones([10000]);
        var y = d.Forward(x).ToDoubleArray();
        int zeros = y.Count(v => v == 0);
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.7) < 1e-6));
        Assert.InRange(zeros / 10000.0, 0.27, 0.33);
        d.Eval();
        Assert.Same(x, d.Forward(x));
    }

    [Fact]
    public void FlattenEmbeddingAndActivations()
    {
        Assert.Equal([2, 12], new Flatten().Forward(Tensor.Zeros([2, 3, 2, 2])).ShapeArray());
        var emb = new Embedding(5, 3, paddingIdx: 1, generator: new Generator(10));
        Assert.All(emb.Weight.Select(0, 1).ToDoubleArray(), v => Assert.Equal(0, v));
        var idx = Tensor.FromArray(new long[] { 4, 1, 0, 4 }, [2, 2]);
        var e = emb.Forward(idx);
        Assert.Equal([2, 2, 3], e.ShapeArray());
        var w = emb.Weight.ToDoubleArray();
        TensorAssert.Close(new[] { 4, 1, 0, 4 }.SelectMany(i => w.Skip(i * 3).Take(3)).ToArray(), e, 0, 0, "embedding");

        var x = Tensor.FromArray(new double[] { -2, -0.5, 0, 0.5, 2 });
        var xv = x.ToDoubleArray();
        TensorAssert.Close(xv.Select(v => Math.Max(v, 0)).ToArray(), new ReLU().Forward(x), 0, 0, "relu");
        TensorAssert.Close(xv.Select(v => v >= 0 ? v : 0.2 * v).ToArray(), new LeakyReLU(0.2).Forward(x), 1e-12, 0, "leaky");
        TensorAssert.Close(xv.Select(Math.Tanh).ToArray(), new Tanh().Forward(x), 1e-12, 1e-12, "tanh");
        TensorAssert.Close(xv.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), new Sigmoid().Forward(x), 1e-12, 1e-12, "sigmoid");
        TensorAssert.Close(xv.Select(v => v / (1 + Math.Exp(-v))).ToArray(), new SiLU().Forward(x), 1e-12, 1e-12, "silu");
        TensorAssert.Close(xv.Select(v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))).ToArray(),
            new GELU(approximateTanh: true).Forward(x), 1e-12, 1e-12, "gelu tanh");
        // Exact GELU: Φ(2) = 0.9772498680518208, Φ(0.5) = 0.6914624612740131.
        TensorAssert.Close([-2 * (1 - 0.9772498680518208), -0.5 * (1 - 0.6914624612740131), 0, 0.5 * 0.6914624612740131, 2 * 0.9772498680518208],
            new GELU().Forward(x), 1e-12, 1e-10, "gelu");
        double z = xv.Sum(Math.Exp);
        TensorAssert.Close(xv.Select(v => Math.Exp(v) / z).ToArray(), new Softmax(0).Forward(x), 1e-12, 1e-12, "softmax");
    }

    [Fact]
    public void EvalOnAContainerSwitchesDropoutAndBatchNormInside()
    {
        var m = new Sequential(new Linear(4, 4, generator: new Generator(20)), new BatchNorm1d(4), new Dropout(0.5, new Generator(21)));
        var x = Tensor.Randn([8, 4], new Generator(22));
        var a = m.Forward(x).ToDoubleArray();
        var b = m.Forward(x).ToDoubleArray();
        Assert.NotEqual(a, b);   // fresh dropout masks in training
        Assert.Contains(0.0, a);
        m.Eval();
        var bn = (BatchNorm1d)m[1];
        var before = bn.RunningMean!.ToDoubleArray();
        var c = m.Forward(x).ToDoubleArray();
        Assert.Equal(c, m.Forward(x).ToDoubleArray());   // deterministic in evaluation
        Assert.Equal(before, bn.RunningMean!.ToDoubleArray());
        Assert.Equal(2L, bn.NumBatchesTracked!.Item<long>());
        var lin = ((Linear)m[0]).Forward(x);
        var rm = bn.RunningMean!.Reshape(1, 4);
        var rv = bn.RunningVar!.Reshape(1, 4);
        TensorAssert.Close(lin.Sub(rm).Div(rv.Add(1e-5).Sqrt()).ToDoubleArray(), c, 1e-5, 1e-4, "eval = linear + running-stat BN");
    }

    [Fact]
    public void SequentialChainsForward()
    {
        var seq = new Sequential(new Linear(3, 4, generator: Gen), new ReLU(), new Linear(4, 2, generator: Gen));
        var x = Tensor.Randn([5, 3], new Generator(11));
        var manual = ((Linear)seq[2]).Forward(((Linear)seq[0]).Forward(x).Relu());
        TensorAssert.Close(manual.ToDoubleArray(), seq.Forward(x), 0, 0, "sequential");
        Assert.Equal(3, seq.Count);
        var list = new ModuleList(new Linear(1, 1), new Linear(1, 1));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], list.NamedParameters().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void LinearGradientsReachParameters()
    {
        var m = new Linear(3, 2, dtype: DType.Float64, generator: new Generator(12));
        var x = Tensor.Randn([4, 3], new Generator(13), DType.Float64, requiresGrad: true);
        GradCheck.Check(t => m.Forward(t[0]), [x]);
        GradCheck.Check(t => Tensor.Linear(x, t[0], t[1]), [m.Weight, m.Bias!]);
    }
}
