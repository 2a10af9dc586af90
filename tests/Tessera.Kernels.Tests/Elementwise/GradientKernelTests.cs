using Tessera.Kernels.Elementwise;
using Tessera.Kernels.Tests.Support;
using static Tessera.Kernels.Tests.Support.ReferenceMath;

namespace Tessera.Kernels.Tests.Elementwise;

public class GradientKernelTests
{
    private const double Beta = 0.79788456080286535588, Kappa = 0.044715;

    private static double GeluTanhDerivative(double x)
    {
        double u = Beta * (x + Kappa * x * x * x), t = Math.Tanh(u);
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * Beta * (1 + 3 * Kappa * x * x);
    }

    // Float kernels vs these double formulas: 1e-6 relative + 1e-6 absolute for the transcendental
    // ones (their float forward pieces carry ~1e-7 error each), 1e-7 relative for the rest.
    // Double kernels: 1e-13 relative + 1e-14 absolute (erf-based ones are limited by the reference).
    internal static readonly GradientCase[] Cases =
    [
        new("Relu", -5, 5, false, false, x => x < 0 ? 0 : x, Activations.Relu, Gradients.ReluBackward, Gradients.ReluBackward,
            (g, x) => x <= 0 ? 0 : g, 0, 0),
        new("LeakyRelu", -5, 5, false, false, x => x > 0 ? x : 0.01 * x, (x, d) => Activations.LeakyRelu(x, 0.01, d),
            (g, x, d) => Gradients.LeakyReluBackward(g, x, 0.01f, d), (g, x, d) => Gradients.LeakyReluBackward(g, x, 0.01, d),
            (g, x) => x > 0 ? g : g * 0.01, 1e-7, 0),
        new("Gelu", -8, 8, false, true, Gelu, Activations.Gelu, Gradients.GeluBackward, Gradients.GeluBackward,
            (g, x) => g * (NormalCdf(x) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI)), 1e-6, 1e-6),
        new("GeluTanh", -8, 8, false, true, GeluTanh, Activations.GeluTanh, Gradients.GeluTanhBackward, Gradients.GeluTanhBackward,
            (g, x) => g * GeluTanhDerivative(x), 1e-6, 1e-6),
        new("Sigmoid", -12, 12, true, true, Sigmoid, UnaryMath.Sigmoid, Gradients.SigmoidBackward, Gradients.SigmoidBackward,
            (g, y) => g * y * (1 - y), 1e-6, 1e-7),
        new("Tanh", -6, 6, true, true, Math.Tanh, UnaryMath.Tanh, Gradients.TanhBackward, Gradients.TanhBackward,
            (g, y) => g * (1 - y * y), 1e-6, 1e-7),
        new("Silu", -20, 20, false, true, x => x * Sigmoid(x), Activations.Silu, Gradients.SiluBackward, Gradients.SiluBackward,
            (g, x) => g * Sigmoid(x) * (1 + x * (1 - Sigmoid(x))), 1e-6, 1e-6),
        new("Softplus", -30, 30, false, true, x => Softplus(x, 1, 20), Activations.Softplus, Gradients.SoftplusBackward, Gradients.SoftplusBackward,
            (g, x) => x > 20 ? g : g * Sigmoid(x), 1e-6, 1e-7),
        new("Abs", -5, 5, false, false, Math.Abs, UnaryMath.Abs, Gradients.AbsBackward, Gradients.AbsBackward,
            (g, x) => g * Math.Sign(x), 0, 0),
        new("Clamp", -3, 3, false, false, x => Math.Clamp(x, -1, 2), (x, d) => UnaryMath.Clamp(x, -1.0, 2.0, d),
            (g, x, d) => Gradients.ClampBackward(g, x, -1f, 2f, d), (g, x, d) => Gradients.ClampBackward(g, x, -1.0, 2.0, d),
            (g, x) => x >= -1 && x <= 2 ? g : 0, 0, 0),
        new("ClampMinOnly", -3, 3, false, false, x => Math.Max(x, -1), (x, d) => UnaryMath.Clamp(x, -1.0, null, d),
            (g, x, d) => Gradients.ClampBackward(g, x, -1f, null, d), (g, x, d) => Gradients.ClampBackward(g, x, -1.0, null, d),
            (g, x) => x >= -1 ? g : 0, 0, 0),
        new("Sqrt", 0.01, 100, true, true, Math.Sqrt, UnaryMath.Sqrt, Gradients.SqrtBackward, Gradients.SqrtBackward,
            (g, y) => g / (2 * y), 1e-7, 0),
        new("Rsqrt", 0.01, 100, true, true, x => 1 / Math.Sqrt(x), UnaryMath.Rsqrt, Gradients.RsqrtBackward, Gradients.RsqrtBackward,
            (g, y) => -0.5 * g * y * y * y, 3e-7, 0),
        new("PowSquare", -5, 5, false, true, x => x * x, (x, d) => Arithmetic.Pow(x, 2.0, d),
            (g, x, d) => Gradients.PowBackwardBase(g, x, 2f, d), (g, x, d) => Gradients.PowBackwardBase(g, x, 2.0, d), (g, x) => g * 2 * x, 1e-7, 0),
        new("PowCube", -5, 5, false, true, x => x * x * x, (x, d) => Arithmetic.Pow(x, 3.0, d),
            (g, x, d) => Gradients.PowBackwardBase(g, x, 3f, d), (g, x, d) => Gradients.PowBackwardBase(g, x, 3.0, d), (g, x) => g * 3 * x * x, 3e-7, 0),
        new("PowHalf", 0.01, 10, false, true, Math.Sqrt, (x, d) => Arithmetic.Pow(x, 0.5, d),
            (g, x, d) => Gradients.PowBackwardBase(g, x, 0.5f, d), (g, x, d) => Gradients.PowBackwardBase(g, x, 0.5, d), (g, x) => g * 0.5 / Math.Sqrt(x), 3e-7, 0),
        new("PowMinusOne", 0.1, 10, false, true, x => 1 / x, (x, d) => Arithmetic.Pow(x, -1.0, d),
            (g, x, d) => Gradients.PowBackwardBase(g, x, -1f, d), (g, x, d) => Gradients.PowBackwardBase(g, x, -1.0, d), (g, x) => -g / (x * x), 3e-7, 0),
        new("PowGeneric", 0.1, 10, false, true, x => Math.Pow(x, 1.7), (x, d) => Arithmetic.Pow(x, 1.7, d),
            (g, x, d) => Gradients.PowBackwardBase(g, x, 1.7f, d), (g, x, d) => Gradients.PowBackwardBase(g, x, 1.7, d), (g, x) => g * 1.7 * Math.Pow(x, 0.7), 1e-6, 0),
        new("PowZero", -5, 5, false, false, x => 1, (x, d) => Arithmetic.Pow(x, 0.0, d),
            (g, x, d) => Gradients.PowBackwardBase(g, x, 0f, d), (g, x, d) => Gradients.PowBackwardBase(g, x, 0.0, d), (g, x) => 0, 0, 0),
    ];

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FloatMatchesFormulaAtAllLengths(string name)
    {
        GradientCase c = Cases.Single(k => k.Name == name);
        foreach (int n in TestData.Lengths)
        {
            float[] x = TestData.Uniform<float>(n, c.Lo, c.Hi, n + 21), g = TestData.Uniform<float>(n, -2, 2, n + 22);
            var saved = new float[n];
            for (int i = 0; i < n; i++) saved[i] = c.FromOutput ? (float)c.Forward(x[i]) : x[i];
            var got = new float[n];
            c.KernelF(g, saved, got);
            var expected = new double[n];
            for (int i = 0; i < n; i++) expected[i] = c.Ref(g[i], saved[i]);
            KernelAssert.Close<float>(expected, got, c.RelF, c.AbsF, $"{name}Backward<float>[n={n}]");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void DoubleMatchesFormulaAtAllLengths(string name)
    {
        GradientCase c = Cases.Single(k => k.Name == name);
        foreach (int n in TestData.Lengths)
        {
            double[] x = TestData.Uniform<double>(n, c.Lo, c.Hi, n + 23), g = TestData.Uniform<double>(n, -2, 2, n + 24);
            var saved = new double[n];
            for (int i = 0; i < n; i++) saved[i] = c.FromOutput ? c.Forward(x[i]) : x[i];
            var got = new double[n];
            c.KernelD(g, saved, got);
            var expected = new double[n];
            for (int i = 0; i < n; i++) expected[i] = c.Ref(g[i], saved[i]);
            KernelAssert.Close<double>(expected, got, 1e-13, 1e-14, $"{name}Backward<double>[n={n}]");
        }
    }

    /// <summary>The backward kernel is the derivative of the forward kernel (central differences in double, h = 1e-5 * max(1, |x|)).</summary>
    [Theory]
    [MemberData(nameof(CaseNames))]
    public void BackwardIsTheDerivativeOfTheForwardKernel(string name)
    {
        GradientCase c = Cases.Single(k => k.Name == name);
        if (!c.Smooth) return;
        const int n = 257;
        double[] x = TestData.Uniform<double>(n, c.Lo, c.Hi, 99);
        double[] xp = new double[n], xm = new double[n], fp = new double[n], fm = new double[n], saved = new double[n], ones = new double[n], dx = new double[n];
        var h = new double[n];
        for (int i = 0; i < n; i++)
        {
            h[i] = 1e-5 * Math.Max(1, Math.Abs(x[i]));
            xp[i] = x[i] + h[i];
            xm[i] = x[i] - h[i];
            ones[i] = 1;
        }
        c.ForwardKernel(xp, fp);
        c.ForwardKernel(xm, fm);
        if (c.FromOutput) c.ForwardKernel(x, saved); else x.CopyTo(saved, 0);
        c.KernelD(ones, saved, dx);
        var fd = new double[n];
        for (int i = 0; i < n; i++) fd[i] = (fp[i] - fm[i]) / (xp[i] - xm[i]);
        KernelAssert.Close<double>(fd, dx, 1e-6, 1e-8, $"{name}: backward vs central difference");
    }

    [Fact]
    public void DivBackwardMatchesFormulas()
    {
        foreach (int n in TestData.Lengths)
        {
            double[] g = TestData.Uniform<double>(n, -2, 2, 1), a = TestData.Uniform<double>(n, -3, 3, 2), b = TestData.Uniform<double>(n, 0.5, 3, 3);
            var da = new double[n]; var db = new double[n];
            Gradients.DivBackwardLeft<double>(g, b, da);
            Gradients.DivBackwardRight<double>(g, a, b, db);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(g[i] / b[i], da[i]);
                KernelAssert.Close(-g[i] * a[i] / (b[i] * b[i]), db[i], 1e-15, 0, $"div db[{i}]");
            }
        }
    }

    [Fact]
    public void PowTensorExponentGradientsMatchPyTorchRules()
    {
        // PyTorch: d/dx = 0 where e == 0; d/de = 0 where x == 0 and e >= 0 (log(0) would give NaN/inf).
        double[] x = [0, 0, 2, -2, 0, 3, 1.5, 0.5, 2, 2, 0, 4, 0.1, 5, 6, 7, 8], e = [0, 2, 0.5, 2, -1, 0, 1.5, 3, -2, 1, 0.5, 0.5, 2, 1, 1, 1, 1];
        double[] g = new double[x.Length];
        for (int i = 0; i < g.Length; i++) g[i] = 0.5 + i * 0.1;
        var dx = new double[x.Length]; var de = new double[x.Length];
        Gradients.PowBackwardBase<double>(g, x, e, dx);
        Gradients.PowBackwardExponent<double>(g, x, e, de);
        for (int i = 0; i < x.Length; i++)
        {
            double ex = e[i] == 0 ? 0 : g[i] * e[i] * Math.Pow(x[i], e[i] - 1);
            double ee = x[i] == 0 && e[i] >= 0 ? 0 : g[i] * Math.Pow(x[i], e[i]) * Math.Log(x[i]);
            KernelAssert.Close(ex, dx[i], 1e-15, 0, $"pow dx {x[i]}^{e[i]}");
            KernelAssert.Close(ee, de[i], 1e-15, 0, $"pow de {x[i]}^{e[i]}");
        }
        // Scalar base: d(s^e)/de = s^e ln s, 0 when s == 0 and e >= 0.
        var des = new double[x.Length];
        Gradients.PowBackwardExponent<double>(g, 2.5, e, des);
        for (int i = 0; i < x.Length; i++) KernelAssert.Close(g[i] * Math.Pow(2.5, e[i]) * Math.Log(2.5), des[i], 1e-15, 0, "scalar base");
        Gradients.PowBackwardExponent<double>(g, 0.0, e, des);
        for (int i = 0; i < x.Length; i++) Assert.Equal(e[i] >= 0 ? 0 : g[i] * Math.Pow(0, e[i]) * Math.Log(0), des[i]);
    }

    [Fact]
    public void MaximumAndMinimumBackwardSplitTiesLikePyTorch()
    {
        // torch: a = [1, 2, 3, nan], b = [1, 3, 2, 1]; maximum -> a.grad [0.5, 0, 1, 1], b.grad [0.5, 1, 0, 1];
        // minimum -> a.grad [0.5, 1, 0, 1], b.grad [0.5, 0, 1, 1].
        float[] a = [1, 2, 3, float.NaN], b = [1, 3, 2, 1], g = [1, 1, 1, 1];
        var da = new float[4]; var db = new float[4];
        Gradients.MaximumBackward<float>(g, a, b, da, db);
        Assert.Equal(new float[] { 0.5f, 0, 1, 1 }, da);
        Assert.Equal(new float[] { 0.5f, 1, 0, 1 }, db);
        Gradients.MinimumBackward<float>(g, a, b, da, db);
        Assert.Equal(new float[] { 0.5f, 1, 0, 1 }, da);
        Assert.Equal(new float[] { 0.5f, 0, 1, 1 }, db);
        foreach (int n in TestData.Lengths)
        {
            float[] x = TestData.Uniform<float>(n, -2, 2, n), y = TestData.Uniform<float>(n, -2, 2, n + 1), gg = TestData.Uniform<float>(n, -1, 1, n + 2);
            for (int i = 0; i < n; i += 3) y[i] = x[i];
            var dxa = new float[n]; var dyb = new float[n];
            Gradients.MaximumBackward<float>(gg, x, y, dxa, dyb);
            for (int i = 0; i < n; i++)
            {
                float ea = x[i] == y[i] ? gg[i] * 0.5f : x[i] < y[i] ? 0 : gg[i];
                float eb = x[i] == y[i] ? gg[i] * 0.5f : x[i] > y[i] ? 0 : gg[i];
                Assert.Equal(ea, dxa[i]);
                Assert.Equal(eb, dyb[i]);
            }
        }
    }

    [Fact]
    public void ReluBackwardPassesGradientThroughNaNAsPyTorch()
    {
        float[] g = [1, 1, 1, 1], x = [float.NaN, -1, 0, 1];
        var dx = new float[4];
        Gradients.ReluBackward<float>(g, x, dx);
        Assert.Equal(new float[] { 1, 0, 0, 1 }, dx);
        Gradients.AbsBackward<float>(g, x, dx);
        Assert.Equal(new float[] { 0, -1, 0, 1 }, dx);
        Gradients.ClampBackward<float>(g, x, -0.5f, 0.5f, dx);
        Assert.Equal(new float[] { 0, 0, 1, 0 }, dx);
    }
}
