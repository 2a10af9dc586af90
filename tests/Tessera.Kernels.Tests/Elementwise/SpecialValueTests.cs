using Tessera.Kernels.Elementwise;

namespace Tessera.Kernels.Tests.Elementwise;

/// <summary>NaN, infinity and signed-zero behaviour, checked against values PyTorch 1.13 produces.</summary>
public class SpecialValueTests
{
    private const float NaN = float.NaN, Inf = float.PositiveInfinity;

    // 20 elements so the vector body and the overlapping tail both see the specials.
    private static float[] Pad(params float[] v)
    {
        var a = new float[20];
        for (int i = 0; i < 20; i++) a[i] = v[i % v.Length];
        return a;
    }

    private static void Expect(float[] input, Func<float, float> expected, float[] actual, string what)
    {
        for (int i = 0; i < input.Length; i++)
        {
            float e = expected(input[i]), a = actual[i];
            bool ok = float.IsNaN(e) ? float.IsNaN(a) : e.Equals(a) && float.IsNegative(e) == float.IsNegative(a);
            if (!ok) Assert.Fail($"{what}({input[i]}): expected {e}, got {a}");
        }
    }

    [Fact]
    public void MaximumAndMinimumPropagateNaNAndKeepTheLeftOperandOnTies()
    {
        float[] a = Pad(NaN, 1, NaN, 0f, -0f, -Inf, 2), b = Pad(1, NaN, NaN, -0f, 0f, 3, Inf);
        var max = new float[20]; var min = new float[20];
        Arithmetic.Maximum<float>(a, b, max);
        Arithmetic.Minimum<float>(a, b, min);
        for (int i = 0; i < 20; i++)
        {
            // torch.maximum(tensor([0.,-0.]), tensor([-0.,0.])) == tensor([0., -0.]).
            float emax = float.IsNaN(a[i]) || float.IsNaN(b[i]) ? NaN : a[i] < b[i] ? b[i] : a[i];
            float emin = float.IsNaN(a[i]) || float.IsNaN(b[i]) ? NaN : a[i] > b[i] ? b[i] : a[i];
            Assert.True(float.IsNaN(emax) ? float.IsNaN(max[i]) : emax.Equals(max[i]) && float.IsNegative(emax) == float.IsNegative(max[i]), $"max {a[i]},{b[i]} -> {max[i]}");
            Assert.True(float.IsNaN(emin) ? float.IsNaN(min[i]) : emin.Equals(min[i]) && float.IsNegative(emin) == float.IsNegative(min[i]), $"min {a[i]},{b[i]} -> {min[i]}");
        }
    }

    [Fact]
    public void ReluClampAndLeakyReluKeepNaN()
    {
        float[] x = Pad(NaN, -0f, 0f, -1, 2, Inf, -Inf);
        var y = new float[20];
        Activations.Relu<float>(x, y);
        Expect(x, v => float.IsNaN(v) ? NaN : v < 0 ? 0 : v, y, "relu"); // relu(-0.) is -0. in PyTorch
        UnaryMath.Clamp<float>(x, -0.5f, 0.5f, y);
        Expect(x, v => float.IsNaN(v) ? NaN : Math.Min(Math.Max(v, -0.5f), 0.5f), y, "clamp");
        Activations.LeakyRelu<float>(x, 0.1f, y);
        Expect(x, v => v > 0 ? v : v * 0.1f, y, "leaky_relu");
    }

    [Fact]
    public void ClampWithMinAboveMaxGivesMax()
    {
        float[] x = Pad(1, 5, -3);
        var y = new float[20];
        UnaryMath.Clamp<float>(x, 3f, 2f, y);
        Assert.All(y, v => Assert.Equal(2f, v));
    }

    [Fact]
    public void TranscendentalsAtTheEdges()
    {
        float[] x = Pad(NaN, Inf, -Inf, 89f, -104f, 0f, -0f);
        var y = new float[20];
        UnaryMath.Exp<float>(x, y);
        Expect(x, v => MathF.Exp(v), y, "exp");
        UnaryMath.Sigmoid<float>(x, y);
        Expect(x, v => float.IsNaN(v) ? NaN : v == Inf ? 1 : v == -Inf ? 0 : (float)(1 / (1 + Math.Exp(-v))), y, "sigmoid");
        UnaryMath.Tanh<float>(x, y);
        Expect(x, MathF.Tanh, y, "tanh");
        UnaryMath.Erf<float>(x, y);
        Expect(x, v => float.IsNaN(v) ? NaN : v == Inf ? 1 : v == -Inf ? -1 : v > 5 ? 1 : v < -5 ? -1 : v == 0 ? v : NaN, y, "erf");
        Activations.Gelu<float>(x, y);
        // gelu(inf) = inf, gelu(-inf) = -inf * 0 = NaN (as in PyTorch), gelu(89) = 89, gelu(-104) = -0.
        Expect(x, v => float.IsNaN(v) || v == -Inf ? NaN : v == Inf ? Inf : v == 89f ? 89f : v == -104f ? -0f : v, y, "gelu");
        Activations.Softplus<float>(x, y);
        Expect(x, v => float.IsNaN(v) ? NaN : v == Inf ? Inf : v == -Inf ? 0 : v == 89f ? 89f : v == -104f ? 0 : 0.6931472f, y, "softplus");
    }

    [Fact]
    public void PowFollowsAtenShortcuts()
    {
        float[] x = Pad(-0f, -Inf, NaN, 4f);
        var y = new float[20];
        Arithmetic.Pow<float>(x, 0.5f, y);               // sqrt: pow(-0, .5) = -0, pow(-inf, .5) = NaN
        Expect(x, MathF.Sqrt, y, "pow(x, 0.5)");
        Arithmetic.Pow<float>(x, 0f, y);                 // pow(NaN, 0) = 1
        Assert.All(y, v => Assert.Equal(1f, v));
    }
}
