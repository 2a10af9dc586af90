using Tessera.Kernels.Elementwise;
using Tessera.Kernels.Tests.Support;
using static Tessera.Kernels.Tests.Support.ReferenceMath;

namespace Tessera.Kernels.Tests.Elementwise;

public class UnaryKernelTests
{
    // Tolerances: "exact" ops must match the same-type scalar loop bit for bit (rel 0, abs 0).
    // Float transcendental ops are checked against double-precision math rounded to float:
    // exp/log/sigmoid/silu/softplus/tanh within 4e-7 relative (about 3 ulp); erf within 1.5e-7
    // absolute + 3e-7 relative; GELU within 5e-7 absolute + 3e-7 relative for |x| <= 8 (it is
    // x * (1 + erf)/2 as in ATen, so the far negative side carries |x| * ulp(1)/2 absolute error);
    // exp results in the subnormal range may be one subnormal step off (3e-45 absolute).
    // Double: BCL-backed exp/log/sigmoid within 1e-15 relative (softplus 2e-15); erf/GELU are
    // limited by the test's own series reference (about 1e-14; ScalarMath erf itself is checked
    // against mpmath values to 4e-16 in SpecialFunctionTests).
    internal static readonly UnaryCase[] Cases =
    [
        new("Negate", -10, 10, UnaryMath.Negate, x => -x, 0, 0, UnaryMath.Negate, x => -x, 0, 0),
        new("Abs", -10, 10, UnaryMath.Abs, MathF.Abs, 0, 0, UnaryMath.Abs, Math.Abs, 0, 0),
        new("Square", -10, 10, UnaryMath.Square, x => x * x, 0, 0, UnaryMath.Square, x => x * x, 0, 0),
        new("Reciprocal", -10, 10, UnaryMath.Reciprocal, x => 1f / x, 0, 0, UnaryMath.Reciprocal, x => 1 / x, 0, 0),
        new("Sqrt", 0, 100, UnaryMath.Sqrt, MathF.Sqrt, 0, 0, UnaryMath.Sqrt, Math.Sqrt, 0, 0),
        new("Rsqrt", 1e-3, 100, UnaryMath.Rsqrt, x => 1f / MathF.Sqrt(x), 0, 0, UnaryMath.Rsqrt, x => 1 / Math.Sqrt(x), 0, 0),
        new("Exp", -90, 90, UnaryMath.Exp, x => (float)Math.Exp(x), 4e-7, 3e-45, UnaryMath.Exp, Math.Exp, 1e-15, 0),
        new("ExpSubnormalRange", -104, -80, UnaryMath.Exp, x => (float)Math.Exp(x), 4e-7, 3e-45, UnaryMath.Exp, Math.Exp, 1e-15, 0),
        new("Log", 1e-3, 1e3, UnaryMath.Log, x => (float)Math.Log(x), 4e-7, 1e-7, UnaryMath.Log, Math.Log, 1e-15, 1e-16),
        new("Tanh", -12, 12, UnaryMath.Tanh, x => (float)Math.Tanh(x), 4e-7, 0, UnaryMath.Tanh, Math.Tanh, 1e-16, 0),
        new("TanhSmall", -0.7, 0.7, UnaryMath.Tanh, x => (float)Math.Tanh(x), 4e-7, 0, UnaryMath.Tanh, Math.Tanh, 1e-16, 0),
        new("Sigmoid", -30, 30, UnaryMath.Sigmoid, x => (float)Sigmoid(x), 4e-7, 0, UnaryMath.Sigmoid, Sigmoid, 1e-15, 0),
        new("Erf", -5, 5, UnaryMath.Erf, x => (float)Erf(x), 3e-7, 1.5e-7, UnaryMath.Erf, Erf, 1e-14, 1e-15),
        new("ErfSmall", -1e-3, 1e-3, UnaryMath.Erf, x => (float)Erf(x), 3e-7, 0, UnaryMath.Erf, Erf, 1e-14, 0),
        new("Relu", -5, 5, Activations.Relu, x => x < 0 ? 0 : x, 0, 0, Activations.Relu, x => x < 0 ? 0 : x, 0, 0),
        new("LeakyRelu", -5, 5, (x, d) => Activations.LeakyRelu(x, 0.01f, d), x => x > 0 ? x : x * 0.01f, 0, 0,
            (x, d) => Activations.LeakyRelu(x, 0.01, d), x => x > 0 ? x : x * 0.01, 0, 0),
        new("Clamp", -3, 3, (x, d) => UnaryMath.Clamp(x, -1f, 2f, d), x => Math.Min(Math.Max(x, -1f), 2f), 0, 0,
            (x, d) => UnaryMath.Clamp(x, -1.0, 2.0, d), x => Math.Min(Math.Max(x, -1.0), 2.0), 0, 0),
        new("ClampMaxOnly", -3, 3, (x, d) => UnaryMath.Clamp(x, null, 0.5f, d), x => Math.Min(x, 0.5f), 0, 0,
            (x, d) => UnaryMath.Clamp(x, null, 0.5, d), x => Math.Min(x, 0.5), 0, 0),
        new("ClampMinOnly", -3, 3, (x, d) => UnaryMath.Clamp(x, -0.5f, null, d), x => Math.Max(x, -0.5f), 0, 0,
            (x, d) => UnaryMath.Clamp(x, -0.5, null, d), x => Math.Max(x, -0.5), 0, 0),
        new("Gelu", -8, 8, Activations.Gelu, x => (float)Gelu(x), 3e-7, 5e-7, Activations.Gelu, Gelu, 1e-14, 1e-14),
        new("GeluTanh", -8, 8, Activations.GeluTanh, x => (float)GeluTanh(x), 4e-7, 1e-7, Activations.GeluTanh, GeluTanh, 1e-14, 1e-15),
        new("Silu", -30, 30, Activations.Silu, x => (float)(x * Sigmoid(x)), 4e-7, 1e-30, Activations.Silu, x => x * Sigmoid(x), 1e-15, 0),
        new("Softplus", -50, 50, Activations.Softplus, x => (float)Softplus(x, 1, 20), 4e-7, 1e-30, Activations.Softplus, x => Softplus(x, 1, 20), 2e-15, 0),
        new("SoftplusBeta2", -20, 20, (x, d) => Activations.Softplus(x, 2f, 10f, d), x => (float)Softplus(x, 2, 10), 4e-7, 1e-30,
            (x, d) => Activations.Softplus(x, 2.0, 10.0, d), x => Softplus(x, 2, 10), 2e-15, 0),
    ];

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FloatMatchesScalarReferenceAtAllLengths(string name)
    {
        UnaryCase c = Cases.Single(k => k.Name == name);
        foreach (int n in TestData.Lengths)
        {
            float[] x = TestData.Uniform<float>(n, c.Lo, c.Hi, seed: n + 1);
            var got = new float[n];
            c.KernelF(x, got);
            var expected = new double[n];
            for (int i = 0; i < n; i++) expected[i] = c.RefF(x[i]);
            KernelAssert.Close<float>(expected, got, c.RelF, c.AbsF, $"{name}<float>[n={n}]");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void DoubleMatchesScalarReferenceAtAllLengths(string name)
    {
        UnaryCase c = Cases.Single(k => k.Name == name);
        foreach (int n in TestData.Lengths)
        {
            double[] x = TestData.Uniform<double>(n, c.Lo, c.Hi, seed: n + 7);
            var got = new double[n];
            c.KernelD(x, got);
            var expected = new double[n];
            for (int i = 0; i < n; i++) expected[i] = c.RefD(x[i]);
            KernelAssert.Close<double>(expected, got, c.RelD, c.AbsD, $"{name}<double>[n={n}]");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void InPlaceGivesTheSameResult(string name)
    {
        UnaryCase c = Cases.Single(k => k.Name == name);
        foreach (int n in new[] { 17, 100003 })
        {
            float[] x = TestData.Uniform<float>(n, c.Lo, c.Hi, seed: 3);
            var separate = new float[n];
            c.KernelF(x, separate);
            c.KernelF(x, x);
            KernelAssert.Same<float>(separate, x, $"{name} in place [n={n}]");
        }
    }

    [Fact]
    public void LengthMismatchThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => UnaryMath.Exp<float>(new float[3], new float[4]));
        Assert.Equal("dst", ex.ParamName);
    }
}
