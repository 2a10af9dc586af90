using Tessera.Testing;

namespace Tessera.Optim.Tests;

public class GradClipTests
{
    public static TheoryData<string> NormCases => OptimFixture.Names("clip");

    public static TheoryData<string> ValueCases => OptimFixture.Names("clip_value");

    private static Tensor[] WithGrads(System.Text.Json.JsonElement c)
    {
        return c.GetProperty("grads").EnumerateArray().Select(g =>
        {
            var p = Tensor.Zeros(OptimFixture.Ints(g.GetProperty("shape")), DType.Float64, requiresGrad: true);
            p.Grad = OptimFixture.Tensor64(g);
            return p;
        }).ToArray();
    }

    [Theory]
    [MemberData(nameof(NormCases))]
    public void ClipGradNormMatchesPyTorch(string name)
    {
        var c = OptimFixture.Case("clip", name);
        var ps = WithGrads(c);
        double total = GradClip.ClipGradNorm(ps, c.GetProperty("max_norm").GetDouble(), OptimFixture.ToDouble(c.GetProperty("norm_type")));
        Assert.Equal(c.GetProperty("total_norm").GetDouble(), total, 1e-12);
        var clipped = c.GetProperty("clipped").EnumerateArray().Select(OptimFixture.Doubles).ToArray();
        for (int i = 0; i < ps.Length; i++) TensorAssert.Close(clipped[i], ps[i].Grad!, atol: 1e-14, rtol: 1e-12, what: $"{name} grad {i}");
    }

    [Theory]
    [MemberData(nameof(ValueCases))]
    public void ClipGradValueMatchesPyTorch(string name)
    {
        var c = OptimFixture.Case("clip_value", name);
        var ps = WithGrads(c);
        GradClip.ClipGradValue(ps, c.GetProperty("clip_value").GetDouble());
        var clipped = c.GetProperty("clipped").EnumerateArray().Select(OptimFixture.Doubles).ToArray();
        for (int i = 0; i < ps.Length; i++) Assert.Equal(clipped[i], ps[i].Grad!.ToDoubleArray());
    }

    [Fact]
    public void NoGradsGivesZeroAndNullGradsAreIgnored()
    {
        var a = Tensor.Zeros([3], DType.Float64, requiresGrad: true);
        Assert.Equal(0.0, GradClip.ClipGradNorm([a], 1.0));
        var b = Tensor.Zeros([2], requiresGrad: true);
        b.Grad = Tensor.FromArray(new float[] { 3, 4 });
        Assert.Equal(5.0, GradClip.ClipGradNorm([a, b], 1.0), 12);
        TensorAssert.Close([0.6, 0.8], b.Grad, atol: 1e-6, rtol: 0);
        Assert.Null(a.Grad);
    }

    [Fact]
    public void InvalidNormTypeThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => GradClip.ClipGradNorm([], 1.0, -1));
        Assert.Equal("Invalid norm type: -1 (must be > 0 or infinity) (Parameter 'normType')", ex.Message);
    }
}
