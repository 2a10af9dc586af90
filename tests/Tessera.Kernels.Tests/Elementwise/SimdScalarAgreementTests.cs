using Tessera.Kernels.Norm;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Reduce;
using Tessera.Kernels.Softmax;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Elementwise;

/// <summary>
/// Runs each kernel with and without SIMD (KernelOptions.DisableSimd) and compares. Exact operators
/// must agree bit for bit; approximated ones within the same tolerance each has against the
/// double reference (the scalar path uses MathF/Math, so it is itself within ~1 ulp).
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class SimdScalarAgreementTests
{
    private static (T[] Simd, T[] Scalar) Both<T>(int n, Action<T[]> run)
    {
        var a = new T[n]; var b = new T[n];
        bool saved = KernelOptions.DisableSimd;
        try
        {
            KernelOptions.DisableSimd = false;
            run(a);
            KernelOptions.DisableSimd = true;
            run(b);
        }
        finally { KernelOptions.DisableSimd = saved; }
        return (a, b);
    }

    public static TheoryData<string> UnaryNames() => UnaryKernelTests.CaseNames();
    public static TheoryData<string> BinaryNames() => BinaryKernelTests.CaseNames();
    public static TheoryData<string> GradientNames() => GradientKernelTests.CaseNames();

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void UnaryFloat(string name)
    {
        UnaryCase c = UnaryKernelTests.Cases.Single(k => k.Name == name);
        foreach (int n in new[] { 33, 100003 })
        {
            float[] x = TestData.Uniform<float>(n, c.Lo, c.Hi, n);
            var (simd, scalar) = Both<float>(n, d => c.KernelF(x, d));
            KernelAssert.Close<float>(TestData.ToDouble(scalar), simd, c.RelF, c.AbsF, $"{name} simd vs scalar [n={n}]");
        }
    }

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void UnaryDouble(string name)
    {
        UnaryCase c = UnaryKernelTests.Cases.Single(k => k.Name == name);
        double[] x = TestData.Uniform<double>(1000, c.Lo, c.Hi, 4);
        var (simd, scalar) = Both<double>(1000, d => c.KernelD(x, d));
        KernelAssert.Close<double>(scalar, simd, Math.Max(c.RelD, 2e-15), c.AbsD, $"{name}<double> simd vs scalar");
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryFloat(string name)
    {
        BinaryCase c = BinaryKernelTests.Cases.Single(k => k.Name == name);
        float[] x = TestData.Uniform<float>(100003, c.Lo, c.Hi, 1), y = TestData.Uniform<float>(100003, c.YLo, c.YHi, 2);
        var (simd, scalar) = Both<float>(100003, d => c.KernelF(x, y, d));
        KernelAssert.Close<float>(TestData.ToDouble(scalar), simd, c.RelF, 0, $"{name} simd vs scalar");
    }

    [Theory]
    [MemberData(nameof(GradientNames))]
    public void GradientFloat(string name)
    {
        GradientCase c = GradientKernelTests.Cases.Single(k => k.Name == name);
        float[] x = TestData.Uniform<float>(4099, c.Lo, c.Hi, 1), g = TestData.Uniform<float>(4099, -2, 2, 2);
        if (c.FromOutput) for (int i = 0; i < x.Length; i++) x[i] = (float)c.Forward(x[i]);
        var (simd, scalar) = Both<float>(4099, d => c.KernelF(g, x, d));
        KernelAssert.Close<float>(TestData.ToDouble(scalar), simd, 2 * c.RelF, 2 * c.AbsF, $"{name} backward simd vs scalar");
    }

    [Fact]
    public void ReductionsSoftmaxAndNorms()
    {
        float[] x = TestData.Uniform<float>(300 * 257, -4, 4, 1), y = TestData.Uniform<float>(300 * 257, -1, 1, 2);
        var (s1, s2) = Both<float>(6, d =>
        {
            d[0] = Reductions.Sum<float>(x);
            d[1] = Reductions.Dot<float>(x, y);
            d[2] = Reductions.Max<float>(x);
            d[3] = Reductions.ArgMin<float>(x);
            d[4] = Reductions.Var<float>(x);
            d[5] = Reductions.LogSumExp<float>(x);
        });
        double sumAbs = x.Sum(v => (double)Math.Abs(v));
        KernelAssert.Close(s2[0], s1[0], 0, 1e-6 * sumAbs, "sum");
        KernelAssert.Close(s2[1], s1[1], 0, 1e-6 * sumAbs, "dot");
        Assert.Equal(s2[2], s1[2]);
        Assert.Equal(s2[3], s1[3]);
        KernelAssert.Close(s2[4], s1[4], 1e-5, 0, "var");
        KernelAssert.Close(s2[5], s1[5], 1e-6, 0, "logsumexp");

        var (a1, a2) = Both<float>(300 * 257, d => SoftmaxKernels.Softmax<float>(x, 300, 257, d));
        KernelAssert.Close<float>(TestData.ToDouble(a2), a1, 3e-6, 1e-30, "softmax");
        var (b1, b2) = Both<float>(300 * 257, d => SoftmaxKernels.LogSoftmax<float>(x, 300, 257, d));
        KernelAssert.Close<float>(TestData.ToDouble(b2), b1, 1e-6, 2e-6, "log_softmax");
        var (c1, c2) = Both<float>(300 * 257, d => LayerNormKernels.Forward<float>(x, 300, 257, default, default, 1e-5f, d, new float[300], new float[300]));
        KernelAssert.Close<float>(TestData.ToDouble(c2), c1, 1e-5, 1e-5, "layer_norm");
        var (e1, e2) = Both<float>(257, d =>
        {
            var dx = new float[x.Length];
            var mean = new float[300]; var rstd = new float[300];
            LayerNormKernels.Forward<float>(x, 300, 257, default, default, 1e-5f, new float[x.Length], mean, rstd);
            LayerNormKernels.Backward<float>(y, x, 300, 257, mean, rstd, default, dx, d, default);
        });
        KernelAssert.Close<float>(TestData.ToDouble(e2), e1, 1e-4, 1e-4, "layer_norm dgamma");
        var (f1, f2) = Both<float>(300 * 257, d =>
            BatchNormKernels.ForwardTraining<float>(x, 300, 257, 1, default, default, 1e-5f, 0.1f, default, default, d, new float[257], new float[257]));
        KernelAssert.Close<float>(TestData.ToDouble(f2), f1, 1e-5, 1e-5, "batch_norm (N, C)");
        long[] t = new long[300];
        for (int i = 0; i < 300; i++) t[i] = i * 7 % 257;
        var (g1, g2) = Both<float>(300, d => CrossEntropyKernels.Forward<float>(x, 300, 257, t, default, -100, 0.1f, d, new float[x.Length]));
        KernelAssert.Close<float>(TestData.ToDouble(g2), g1, 2e-6, 2e-6, "cross_entropy");
    }
}
