using Tessera.Kernels.Reduce;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Reduce;

public class ReductionTests
{
    // Sum tolerance: the cascade's error is at most about (chunk/lanes + log2 n) roundings of the
    // running magnitude, so |error| <= 1e-6 * Σ|x| for float and 1e-14 * Σ|x| for double (the
    // reference sums in double, resp. with Kahan compensation).
    private static (double Sum, double Abs) ExactSum(ReadOnlySpan<double> x)
    {
        double s = 0, c = 0, a = 0;
        foreach (double v in x)
        {
            double y = v - c, t = s + y;
            c = (t - s) - y;
            s = t;
            a += Math.Abs(v);
        }
        return (s, a);
    }

    [Fact]
    public void FullSumsAndDotMatchCompensatedReferenceAtAllLengths()
    {
        foreach (int n in TestData.Lengths)
        {
            float[] xf = TestData.Uniform<float>(n, -1, 3, n), yf = TestData.Uniform<float>(n, -2, 2, n + 1);
            double[] xd = TestData.Uniform<double>(n, -1, 3, n), yd = TestData.Uniform<double>(n, -2, 2, n + 1);
            var (sf, af) = ExactSum(TestData.ToDouble(xf));
            var (sd, ad) = ExactSum(xd);
            KernelAssert.Close(sf, Reductions.Sum<float>(xf), 0, 1e-6 * af + 1e-30, $"Sum<float> n={n}");
            KernelAssert.Close(sd, Reductions.Sum<double>(xd), 0, 1e-14 * ad + 1e-300, $"Sum<double> n={n}");
            if (n > 0) KernelAssert.Close(sf / n, Reductions.Mean<float>(xf), 0, 1e-6 * af / n, $"Mean<float> n={n}");
            var sq = new double[n]; var prodF = new double[n]; var prodD = new double[n];
            for (int i = 0; i < n; i++) { sq[i] = (double)xf[i] * xf[i]; prodF[i] = (double)xf[i] * yf[i]; prodD[i] = xd[i] * yd[i]; }
            var (ssq, asq) = ExactSum(sq);
            KernelAssert.Close(ssq, Reductions.SumOfSquares<float>(xf), 0, 1e-6 * asq + 1e-30, $"SumOfSquares<float> n={n}");
            var (dotF, adotF) = ExactSum(prodF);
            var (dotD, adotD) = ExactSum(prodD);
            KernelAssert.Close(dotF, Reductions.Dot<float>(xf, yf), 0, 1e-6 * adotF + 1e-30, $"Dot<float> n={n}");
            KernelAssert.Close(dotD, Reductions.Dot<double>(xd, yd), 0, 1e-14 * adotD + 1e-300, $"Dot<double> n={n}");
        }
    }

    [Fact]
    public void SumIsFarMoreAccurateThanNaiveAccumulation()
    {
        // 1e6 copies of 0.1f: a naive float loop drifts by ~1%; the cascade stays within 1e-6.
        var x = new float[1_000_000];
        Array.Fill(x, 0.1f);
        double exact = 1_000_000 * (double)0.1f;
        KernelAssert.Close(exact, Reductions.Sum<float>(x), 1e-6, 0, "Sum of 1e6 * 0.1f");
    }

    [Fact]
    public void MaxMinArgMaxArgMinAtAllLengths()
    {
        foreach (int n in TestData.Lengths)
        {
            if (n == 0) continue;
            float[] x = TestData.Uniform<float>(n, -100, 100, n);
            float max = x.Max(), min = x.Min();
            Assert.Equal(max, Reductions.Max<float>(x));
            Assert.Equal(min, Reductions.Min<float>(x));
            Assert.Equal(Array.IndexOf(x, max), Reductions.ArgMax<float>(x));
            Assert.Equal(Array.IndexOf(x, min), Reductions.ArgMin<float>(x));
            long[] l = Array.ConvertAll(x, v => (long)(v * 1000));
            Assert.Equal(l.Max(), Reductions.Max<long>(l));
            Assert.Equal(Array.IndexOf(l, l.Min()), Reductions.ArgMin<long>(l));
            Assert.Equal(l.Sum(), Reductions.Sum<long>(l));
        }
    }

    [Fact]
    public void NaNPropagatesAndArgMaxPointsAtTheFirstNaN()
    {
        foreach (int n in new[] { 5, 40, 100003 })
        {
            double[] x = TestData.Uniform<double>(n, -1, 1, n);
            x[n / 3] = double.NaN;
            x[n / 2] = double.NaN;
            Assert.True(double.IsNaN(Reductions.Max<double>(x)));
            Assert.True(double.IsNaN(Reductions.Min<double>(x)));
            Assert.Equal(n / 3, Reductions.ArgMax<double>(x));
            Assert.Equal(n / 3, Reductions.ArgMin<double>(x));
            Assert.True(double.IsNaN(Reductions.Sum<double>(x)));
        }
    }

    [Fact]
    public void TiesGiveTheFirstIndex()
    {
        float[] x = [1, 5, 2, 5, -3, -3, 5];
        Assert.Equal(1, Reductions.ArgMax<float>(x));
        Assert.Equal(4, Reductions.ArgMin<float>(x));
        var big = new float[1000];
        big[700] = 2; big[900] = 2; big[20] = -1; big[30] = -1;
        Assert.Equal(700, Reductions.ArgMax<float>(big));
        Assert.Equal(20, Reductions.ArgMin<float>(big));
    }

    [Fact]
    public void EmptyInputs()
    {
        Assert.Equal(0f, Reductions.Sum<float>([]));
        Assert.True(float.IsNaN(Reductions.Mean<float>([])));
        Assert.Throws<ArgumentException>(() => Reductions.Max<float>([]));
        Assert.Throws<ArgumentException>(() => Reductions.ArgMin<float>([]));
        Assert.Equal(float.NegativeInfinity, Reductions.LogSumExp<float>([]));
    }

    [Fact]
    public void FullVarianceAndLogSumExp()
    {
        double[] x = TestData.Uniform<double>(100003, 1e4, 1e4 + 1, 5); // large mean: a naive one-pass variance would cancel
        double mean = x.Average();
        double m2 = x.Sum(v => (v - mean) * (v - mean));
        KernelAssert.Close(m2 / (x.Length - 1), Reductions.Var<double>(x), 1e-12, 0, "var");
        KernelAssert.Close(m2 / x.Length, Reductions.Var<double>(x, 0), 1e-12, 0, "var correction 0");
        double m = x.Max();
        KernelAssert.Close(m + Math.Log(x.Sum(v => Math.Exp(v - m))), Reductions.LogSumExp<double>(x), 1e-15, 0, "logsumexp");
    }
}
