using Tessera.Nn;
using Tessera.Nn.Layers;

namespace Tessera.Nn.Tests;

public class InitTests
{
    private static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.ToDoubleArray();
        double m = v.Average();
        return (m, Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / v.Length), v.Min(), v.Max());
    }

    [Fact]
    public void LinearDefaultIsUniformOverOneOverSqrtFanIn()
    {
        var m = new Linear(400, 300, generator: new Generator(1));
        double bound = 1 / Math.Sqrt(400);
        var (mean, std, min, max) = Stats(m.Weight);
        Assert.InRange(min, -bound, -bound * 0.99);
        Assert.InRange(max, bound * 0.99, bound);
        Assert.InRange(mean, -0.01 * bound, 0.01 * bound);
        Assert.InRange(std, bound / Math.Sqrt(3) * 0.99, bound / Math.Sqrt(3) * 1.01);
        var b = Stats(m.Bias!);
        Assert.InRange(b.Min, -bound, bound);
        Assert.InRange(b.Max, -bound, bound);
        Assert.True(b.Max - b.Min > bound);   // spread over the range, not zeros
    }

    [Fact]
    public void Conv2dDefaultUsesReceptiveFieldInFanIn()
    {
        var m = new Conv2d(16, 64, 5, groups: 2, generator: new Generator(2));
        double bound = 1 / Math.Sqrt(8 * 25);
        var (_, std, min, max) = Stats(m.Weight);
        Assert.InRange(min, -bound, -bound * 0.98);
        Assert.InRange(max, bound * 0.98, bound);
        Assert.InRange(std, bound / Math.Sqrt(3) * 0.98, bound / Math.Sqrt(3) * 1.02);
        Assert.All(m.Bias!.ToDoubleArray(), v => Assert.InRange(v, -bound, bound));
    }

    [Fact]
    public void FansAndGains()
    {
        Assert.Equal((3 * 9, 8 * 9), Init.CalculateFanInAndFanOut(Tensor.Zeros([8, 3, 3, 3])));
        Assert.Equal((5, 7), Init.CalculateFanInAndFanOut(Tensor.Zeros([7, 5])));
        Assert.Throws<ArgumentException>(() => Init.CalculateFanInAndFanOut(Tensor.Zeros([7])));
        Assert.Equal(Math.Sqrt(2), Init.CalculateGain(Nonlinearity.Relu), 12);
        Assert.Equal(5.0 / 3, Init.CalculateGain(Nonlinearity.Tanh), 12);
        Assert.Equal(Math.Sqrt(2 / (1 + 0.04)), Init.CalculateGain(Nonlinearity.LeakyRelu, 0.2), 12);
        Assert.Equal(1, Init.CalculateGain(Nonlinearity.Sigmoid));
    }

    [Theory]
    [InlineData("xavier_uniform")]
    [InlineData("xavier_normal")]
    [InlineData("kaiming_uniform")]
    [InlineData("kaiming_normal_fan_out")]
    [InlineData("normal")]
    [InlineData("uniform")]
    public void DistributionsHaveTheDocumentedMoments(string kind)
    {
        var w = Tensor.Zeros([300, 200]);   // fan_in 200, fan_out 300, 60000 samples
        var g = new Generator(3);
        double expectedMean = 0, expectedStd;
        double? bound = null;
        switch (kind)
        {
            case "xavier_uniform":
                Init.XavierUniform(w, gain: 2, generator: g);
                bound = 2 * Math.Sqrt(6.0 / 500);
                expectedStd = bound.Value / Math.Sqrt(3);
                break;
            case "xavier_normal":
                Init.XavierNormal(w, generator: g);
                expectedStd = Math.Sqrt(2.0 / 500);
                break;
            case "kaiming_uniform":
                Init.KaimingUniform(w, nonlinearity: Nonlinearity.Relu, generator: g);
                bound = Math.Sqrt(3) * Math.Sqrt(2) / Math.Sqrt(200);
                expectedStd = Math.Sqrt(2) / Math.Sqrt(200);
                break;
            case "kaiming_normal_fan_out":
                Init.KaimingNormal(w, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu, generator: g);
                expectedStd = Math.Sqrt(2) / Math.Sqrt(300);
                break;
            case "normal":
                Init.Normal(w, 1.5, 0.5, g);
                expectedMean = 1.5;
                expectedStd = 0.5;
                break;
            default:
                Init.Uniform(w, -1, 3, g);
                expectedMean = 1;
                expectedStd = 4 / Math.Sqrt(12);
                bound = null;
                var u = Stats(w);
                Assert.InRange(u.Min, -1, -0.99);
                Assert.InRange(u.Max, 2.99, 3);
                break;
        }
        var (mean, std, min, max) = Stats(w);
        // 60000 samples: standard error of the mean ≈ std/245; allow 5 standard errors.
        Assert.InRange(mean, expectedMean - 5 * expectedStd / 245, expectedMean + 5 * expectedStd / 245);
        Assert.InRange(std, expectedStd * 0.98, expectedStd * 1.02);
        if (bound is { } b)
        {
            Assert.InRange(min, -b, -b * 0.99);
            Assert.InRange(max, b * 0.99, b);
        }
        Assert.False(w.RequiresGrad);
    }

    [Fact]
    public void InitWorksOnParametersAndIsReproducible()
    {
        var a = new Linear(10, 10, generator: new Generator(4));
        var b = new Linear(10, 10, generator: new Generator(4));
        Assert.Equal(a.Weight.ToDoubleArray(), b.Weight.ToDoubleArray());
        Init.Constant(a.Weight, 0.25);
        Assert.All(a.Weight.ToDoubleArray(), v => Assert.Equal(0.25, v));
        Assert.True(a.Weight.RequiresGrad && a.Weight.IsLeaf);
        Init.Zeros(a.Bias!);
        Init.Ones(b.Bias!);
        Assert.All(a.Bias!.ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.All(b.Bias!.ToDoubleArray(), v => Assert.Equal(1, v));
        a.ResetParameters(new Generator(4));
        b.ResetParameters(new Generator(4));
        Assert.Equal(a.Weight.ToDoubleArray(), b.Weight.ToDoubleArray());
        Assert.Equal(a.Bias!.ToDoubleArray(), b.Bias!.ToDoubleArray());
    }
}
