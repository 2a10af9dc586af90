using Tessera.Kernels.Elementwise;
using Tessera.Kernels.Operators;
using static Tessera.Kernels.Operators.ArithmeticOperators;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Elementwise;

public class BinaryKernelTests
{
    private static float MaxF(float a, float b) => a < b || float.IsNaN(b) ? b : a;
    private static double MaxD(double a, double b) => a < b || double.IsNaN(b) ? b : a;
    private static float MinF(float a, float b) => a > b || float.IsNaN(b) ? b : a;
    private static double MinD(double a, double b) => a > b || double.IsNaN(b) ? b : a;

    // Arithmetic must equal the same-type scalar loop exactly (rel 0). pow with special exponents
    // takes ATen's shortcuts (x*x, x*x*x, 1/sqrt, ...), which may differ from the C library pow by an
    // ulp or two (MathF.Pow is not always correctly rounded), hence 1-2 ulp there.
    internal static readonly BinaryCase[] Cases =
    [
        new("Add", -10, 10, -10, 10, Arithmetic.Add, (a, b) => a + b, 0, Arithmetic.Add, (a, b) => a + b, 0),
        new("Subtract", -10, 10, -10, 10, Arithmetic.Subtract, (a, b) => a - b, 0, Arithmetic.Subtract, (a, b) => a - b, 0),
        new("Multiply", -10, 10, -10, 10, Arithmetic.Multiply, (a, b) => a * b, 0, Arithmetic.Multiply, (a, b) => a * b, 0),
        new("Divide", -10, 10, 0.1, 10, Arithmetic.Divide, (a, b) => a / b, 0, Arithmetic.Divide, (a, b) => a / b, 0),
        new("Pow", 0.1, 10, -3, 3, Arithmetic.Pow, MathF.Pow, 0, Arithmetic.Pow, Math.Pow, 0),
        new("Maximum", -10, 10, -10, 10, Arithmetic.Maximum, MaxF, 0, Arithmetic.Maximum, MaxD, 0),
        new("Minimum", -10, 10, -10, 10, Arithmetic.Minimum, MinF, 0, Arithmetic.Minimum, MinD, 0),
        new("AddScaled", -10, 10, -10, 10, (x, y, d) => Arithmetic.AddScaled(x, -0.5f, y, d), (a, b) => a + -0.5f * b, 0,
            (x, y, d) => Arithmetic.AddScaled(x, -0.5, y, d), (a, b) => a + -0.5 * b, 0),
        // Scalar right operand (y[0] plays the scalar), scalar left operand.
        new("AddScalar", -10, 10, 1.25, 1.25, (x, y, d) => Arithmetic.Add(x, 1.25f, d), (a, b) => a + 1.25f, 0, (x, y, d) => Arithmetic.Add(x, 1.25, d), (a, b) => a + 1.25, 0),
        new("SubtractScalar", -10, 10, 0, 0, (x, y, d) => Arithmetic.Subtract(x, 3f, d), (a, b) => a - 3f, 0, (x, y, d) => Arithmetic.Subtract(x, 3.0, d), (a, b) => a - 3.0, 0),
        new("ScalarSubtract", -10, 10, 0, 0, (x, y, d) => Arithmetic.Subtract(3f, x, d), (a, b) => 3f - a, 0, (x, y, d) => Arithmetic.Subtract(3.0, x, d), (a, b) => 3.0 - a, 0),
        new("MultiplyScalar", -10, 10, 0, 0, (x, y, d) => Arithmetic.Multiply(x, 0.3f, d), (a, b) => a * 0.3f, 0, (x, y, d) => Arithmetic.Multiply(x, 0.3, d), (a, b) => a * 0.3, 0),
        new("DivideScalar", -10, 10, 0, 0, (x, y, d) => Arithmetic.Divide(x, 7f, d), (a, b) => a / 7f, 0, (x, y, d) => Arithmetic.Divide(x, 7.0, d), (a, b) => a / 7.0, 0),
        new("ScalarDivide", 0.1, 10, 0, 0, (x, y, d) => Arithmetic.Divide(7f, x, d), (a, b) => 7f / a, 0, (x, y, d) => Arithmetic.Divide(7.0, x, d), (a, b) => 7.0 / a, 0),
        new("MaximumScalar", -10, 10, 0, 0, (x, y, d) => Arithmetic.Maximum(x, 1f, d), (a, b) => MaxF(a, 1f), 0, (x, y, d) => Arithmetic.Maximum(x, 1.0, d), (a, b) => MaxD(a, 1.0), 0),
        new("MinimumScalar", -10, 10, 0, 0, (x, y, d) => Arithmetic.Minimum(x, 1f, d), (a, b) => MinF(a, 1f), 0, (x, y, d) => Arithmetic.Minimum(x, 1.0, d), (a, b) => MinD(a, 1.0), 0),
        new("PowSquare", -10, 10, 0, 0, (x, y, d) => Arithmetic.Pow(x, 2f, d), (a, b) => MathF.Pow(a, 2), 1.2e-7, (x, y, d) => Arithmetic.Pow(x, 2.0, d), (a, b) => Math.Pow(a, 2), 2.3e-16),
        new("PowCube", -10, 10, 0, 0, (x, y, d) => Arithmetic.Pow(x, 3f, d), (a, b) => MathF.Pow(a, 3), 2.5e-7, (x, y, d) => Arithmetic.Pow(x, 3.0, d), (a, b) => Math.Pow(a, 3), 4.5e-16),
        new("PowHalf", 0, 10, 0, 0, (x, y, d) => Arithmetic.Pow(x, 0.5f, d), (a, b) => MathF.Pow(a, 0.5f), 1.2e-7, (x, y, d) => Arithmetic.Pow(x, 0.5, d), (a, b) => Math.Pow(a, 0.5), 2.3e-16),
        new("PowMinusHalf", 0.01, 10, 0, 0, (x, y, d) => Arithmetic.Pow(x, -0.5f, d), (a, b) => MathF.Pow(a, -0.5f), 1.2e-7, (x, y, d) => Arithmetic.Pow(x, -0.5, d), (a, b) => Math.Pow(a, -0.5), 2.3e-16),
        new("PowMinusOne", 0.01, 10, 0, 0, (x, y, d) => Arithmetic.Pow(x, -1f, d), (a, b) => MathF.Pow(a, -1), 1.2e-7, (x, y, d) => Arithmetic.Pow(x, -1.0, d), (a, b) => Math.Pow(a, -1), 2.3e-16),
        new("PowMinusTwo", 0.01, 10, 0, 0, (x, y, d) => Arithmetic.Pow(x, -2f, d), (a, b) => MathF.Pow(a, -2), 1.2e-7, (x, y, d) => Arithmetic.Pow(x, -2.0, d), (a, b) => Math.Pow(a, -2), 2.3e-16),
        new("PowZero", -10, 10, 0, 0, (x, y, d) => Arithmetic.Pow(x, 0f, d), (a, b) => 1f, 0, (x, y, d) => Arithmetic.Pow(x, 0.0, d), (a, b) => 1.0, 0),
        new("PowOne", -10, 10, 0, 0, (x, y, d) => Arithmetic.Pow(x, 1f, d), (a, b) => a, 0, (x, y, d) => Arithmetic.Pow(x, 1.0, d), (a, b) => a, 0),
        new("PowGeneric", 0.1, 10, 0, 0, (x, y, d) => Arithmetic.Pow(x, 1.7f, d), (a, b) => MathF.Pow(a, 1.7f), 0, (x, y, d) => Arithmetic.Pow(x, 1.7, d), (a, b) => Math.Pow(a, 1.7), 0),
        new("ScalarPow", -3, 3, 0, 0, (x, y, d) => Arithmetic.Pow(2.5f, x, d), (a, b) => MathF.Pow(2.5f, a), 0, (x, y, d) => Arithmetic.Pow(2.5, x, d), (a, b) => Math.Pow(2.5, a), 0),
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
        BinaryCase c = Cases.Single(k => k.Name == name);
        foreach (int n in TestData.Lengths)
        {
            float[] x = TestData.Uniform<float>(n, c.Lo, c.Hi, seed: n + 11);
            float[] y = TestData.Uniform<float>(n, c.YLo, c.YHi, seed: n + 12);
            var got = new float[n];
            c.KernelF(x, y, got);
            var expected = new double[n];
            for (int i = 0; i < n; i++) expected[i] = c.RefF(x[i], y[i]);
            KernelAssert.Close<float>(expected, got, c.RelF, 0, $"{name}<float>[n={n}]");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void DoubleMatchesScalarReferenceAtAllLengths(string name)
    {
        BinaryCase c = Cases.Single(k => k.Name == name);
        foreach (int n in TestData.Lengths)
        {
            double[] x = TestData.Uniform<double>(n, c.Lo, c.Hi, seed: n + 13);
            double[] y = TestData.Uniform<double>(n, c.YLo, c.YHi, seed: n + 14);
            var got = new double[n];
            c.KernelD(x, y, got);
            var expected = new double[n];
            for (int i = 0; i < n; i++) expected[i] = c.RefD(x[i], y[i]);
            KernelAssert.Close<double>(expected, got, c.RelD, 0, $"{name}<double>[n={n}]");
        }
    }

    [Fact]
    public void InPlaceOnEitherOperand()
    {
        float[] x = TestData.Uniform<float>(100003, -5, 5, 1), y = TestData.Uniform<float>(100003, -5, 5, 2);
        var expected = new float[x.Length];
        Arithmetic.Subtract<float>(x, y, expected);
        float[] a = (float[])x.Clone(), b = (float[])y.Clone();
        Arithmetic.Subtract<float>(a, y, a);
        Arithmetic.Subtract<float>(x, b, b);
        KernelAssert.Same<float>(expected, a, "x -= y");
        KernelAssert.Same<float>(expected, b, "y = x - y");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(100003)]
    public void IntegerArithmeticMatchesScalarLoops(int n)
    {
        var r = new Random(n);
        long[] a = new long[n], b = new long[n];
        int[] c = new int[n], d = new int[n];
        for (int i = 0; i < n; i++) { a[i] = r.NextInt64(-1L << 40, 1L << 40); b[i] = r.Next(-1000, 1000); c[i] = r.Next(); d[i] = r.Next(-5, 5); }
        var sum = new long[n]; var diff = new long[n]; var prod = new long[n]; var max = new long[n];
        var isum = new int[n]; var iprod = new int[n]; var imin = new int[n];
        Arithmetic.Add<long>(a, b, sum);
        Arithmetic.Subtract<long>(a, b, diff);
        Arithmetic.Multiply<long>(a, b, prod);
        Arithmetic.Maximum<long>(a, b, max);
        Arithmetic.Add<int>(c, d, isum);
        Arithmetic.Multiply<int>(c, d, iprod);
        Arithmetic.Minimum<int>(c, d, imin);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(a[i] + b[i], sum[i]);
            Assert.Equal(a[i] - b[i], diff[i]);
            Assert.Equal(a[i] * b[i], prod[i]);
            Assert.Equal(Math.Max(a[i], b[i]), max[i]);
            Assert.Equal(unchecked(c[i] + d[i]), isum[i]);
            Assert.Equal(unchecked(c[i] * d[i]), iprod[i]);
            Assert.Equal(Math.Min(c[i], d[i]), imin[i]);
        }
        var plusScalar = new long[n];
        Arithmetic.Add<long>(a, 5L, plusScalar);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] + 5, plusScalar[i]);
    }

    [Fact]
    public void ScalarFormsOfEveryOperatorMatchScalarReferences()
    {
        float[] x = TestData.Uniform<float>(100, 0.5, 4, 5), y = TestData.Uniform<float>(100, 0.5, 4, 6);
        Check(new Add<float>(), (a, b) => a + b, "add");
        Check(new Subtract<float>(), (a, b) => a - b, "sub");
        Check(new Multiply<float>(), (a, b) => a * b, "mul");
        Check(new Divide<float>(), (a, b) => a / b, "div");
        Check(new Pow<float>(), MathF.Pow, "pow");
        Check(new Maximum<float>(), MathF.Max, "max");
        Check(new Minimum<float>(), MathF.Min, "min");

        void Check<TOp>(TOp op, Func<float, float, float> reference, string name) where TOp : struct, IBinaryOperator<float>
        {
            var right = new float[100]; var left = new float[100];
            Arithmetic.Binary(op, x, 1.5f, right);
            Arithmetic.Binary(op, 1.5f, y, left);
            var expectedRight = new float[100]; var expectedLeft = new float[100];
            for (int i = 0; i < 100; i++)
            {
                expectedRight[i] = reference(x[i], 1.5f);
                expectedLeft[i] = reference(1.5f, y[i]);
            }
            KernelAssert.Same<float>(expectedRight, right, name + " scalar right");
            KernelAssert.Same<float>(expectedLeft, left, name + " scalar left");
        }
    }

    [Fact]
    public void PowWithScalarExponentKeepsItsExactShortcuts()
    {
        float[] x = TestData.Uniform<float>(100, 0.5, 4, 7);
        foreach (float e in new[] { 2f, 3f, 0.5f, -1f })
        {
            var got = new float[100]; var expected = new float[100];
            Arithmetic.Binary(new Pow<float>(), x, e, got);
            for (int i = 0; i < 100; i++)
                expected[i] = e switch { 2f => x[i] * x[i], 3f => x[i] * x[i] * x[i], 0.5f => MathF.Sqrt(x[i]), _ => 1f / x[i] };
            KernelAssert.Same<float>(expected, got, $"pow {e}");
        }
    }
}
