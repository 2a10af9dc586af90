namespace Tessera.Optim.Tests;

/// <summary>Optimizers update float32 and float64 parameters; any other dtype throws naming the optimizer and the dtype.</summary>
public class DTypeSupportTests
{
    public static IEnumerable<object[]> Optimizers() =>
    [
        ["SGD", (Func<Tensor[], Optimizer>)(p => new Sgd(p, lr: 0.1, momentum: 0.9))],
        ["Adam", (Func<Tensor[], Optimizer>)(p => new Adam(p))],
        ["AdamW", (Func<Tensor[], Optimizer>)(p => new AdamW(p))],
        ["RMSprop", (Func<Tensor[], Optimizer>)(p => new RmsProp(p))],
        ["Adagrad", (Func<Tensor[], Optimizer>)(p => new Adagrad(p))],
    ];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Float16ParameterThrowsNamingOptimizerAndDType(string name, Func<Tensor[], Optimizer> make)
    {
        var p = Tensor.Zeros([4], DType.Float16, requiresGrad: true);
        p.Grad = Tensor.Ones([4], DType.Float16);
        var opt = make([p]);
        var ex = Assert.Throws<NotSupportedException>(opt.Step);
        Assert.Equal($"{name} does not support dtype float16; keep float32 master weights and convert with .To(DType.Float32).", ex.Message);
    }

    [Fact]
    public void ClipGradValueClampsLargeFloat32GradientsInEveryChunk()
    {
        // Large enough to be split into parallel chunks.
        const int n = 100_003;
        var p = Tensor.Zeros([n], requiresGrad: true);
        var g = new float[n];
        for (int i = 0; i < n; i++) g[i] = (i % 3 - 1) * (i % 7) * 0.5f;
        p.Grad = Tensor.FromArray(g);
        GradClip.ClipGradValue([p], 1.25);
        var clipped = p.Grad.ToArray<float>();
        for (int i = 0; i < n; i++) Assert.Equal(Math.Clamp(g[i], -1.25f, 1.25f), clipped[i]);
    }
}
