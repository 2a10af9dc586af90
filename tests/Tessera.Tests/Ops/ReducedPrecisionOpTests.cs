using Tessera.IO;
using Tessera.Testing;

namespace Tessera.Tests.Ops;

/// <summary>
/// float16/bfloat16 arithmetic computes in float32 and rounds once: checked against the float32 op on the same
/// (already rounded) inputs, rounded the same way, which is what PyTorch's CPU kernels produce.
/// </summary>
public class ReducedPrecisionOpTests
{
    public static TheoryData<DType> Dtypes => [DType.BFloat16, DType.Float16];

    private static Tensor Rounded(Tensor x, DType dt) => x.To(dt);

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void ElementwiseOpsEqualFloat32OpsRoundedOnce(DType dt)
    {
        var g = new Generator(5);
        var a = Rounded(Tensor.Randn([7, 33], g), dt);
        var b = Rounded(Tensor.Randn([33], g), dt);       // broadcast row
        (string Name, Func<Tensor, Tensor, Tensor> Op)[] ops =
        [
            ("add", (x, y) => x.Add(y)), ("sub", (x, y) => x.Sub(y)), ("mul", (x, y) => x.Mul(y)), ("div", (x, y) => x.Div(y)),
            ("maximum", (x, y) => x.Maximum(y)), ("tanh", (x, _) => x.Tanh()), ("exp", (x, _) => x.Exp()), ("relu", (x, _) => x.Relu()),
        ];
        foreach (var (name, op) in ops)
        {
            var y = op(a, b);
            Assert.True(y.DType == dt, $"{name}: result dtype {y.DType.Name()}, expected {dt.Name()}");
            var expected = op(a.To(DType.Float32), b.To(DType.Float32)).To(dt);
            // Same float32 computation, same single rounding: equal bits.
            Assert.Equal(expected.To(DType.Float32).ToArray<float>(), y.To(DType.Float32).ToArray<float>());
        }
    }

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void AFloatScalarIsRoundedToTheTensorsDTypeFirstAsInPyTorch(DType dt)
    {
        // torch: (bf16 tensor * 0.37) == bf16(x * float(bf16(0.37))): the wrapped scalar takes the tensor's dtype.
        var a = Tensor.Randn([40], new Generator(9)).To(dt);
        var y = a.Mul(0.37);
        Assert.Equal(dt, y.DType);
        float s = Tensor.Scalar(0.37, dt).To(DType.Float32).Item<float>();
        Assert.NotEqual(0.37f, s);
        Assert.Equal(a.To(DType.Float32).Mul(s).To(dt).To(DType.Float32).ToArray<float>(), y.To(DType.Float32).ToArray<float>());
        Assert.Equal(DType.Bool, a.Lt(1.001).DType);
    }

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void MatmulOfSixteenBitOperandsMatchesFloat32WithinTolerance(DType dt)
    {
        var g = new Generator(6);
        var a32 = Tensor.Randn([37, 64], g);
        var b32 = Tensor.Randn([64, 29], g);
        var a = a32.To(dt);
        var b = b32.To(dt);
        var y = a.Matmul(b);
        Assert.Equal(dt, y.DType);
        // Against float32 math on the original (unrounded) inputs: error from rounding inputs and output only.
        // bf16 keeps 8 significant bits (eps 2^-8 relative to each input); sums of 64 products of N(0,1) have sd 8.
        double tol = dt == DType.BFloat16 ? 0.25 : 0.03;
        TensorAssert.Close(a32.Matmul(b32).ToDoubleArray(), y, tol, 2 * (dt == DType.BFloat16 ? 1.0 / 128 : 1.0 / 1024), $"{dt.Name()} matmul");
        // And exactly the float32 product of the rounded inputs, rounded once.
        Assert.Equal(a.To(DType.Float32).Matmul(b.To(DType.Float32)).To(dt).To(DType.Float32).ToArray<float>(), y.To(DType.Float32).ToArray<float>());
    }

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void LinearWithTransposedSixteenBitWeightsAndBiasMatchesFloat32(DType dt)
    {
        var g = new Generator(7);
        var x = Tensor.Randn([5, 48], g).To(dt);
        var w = Tensor.Randn([24, 48], g).To(dt);
        var bias = Tensor.Randn([24], g).To(dt);
        var y = Tensor.Linear(x, w, bias);
        Assert.Equal(dt, y.DType);
        var expected = Tensor.Linear(x.To(DType.Float32), w.To(DType.Float32), bias.To(DType.Float32)).To(dt);
        Assert.Equal(expected.To(DType.Float32).ToArray<float>(), y.To(DType.Float32).ToArray<float>());
        var batched = Tensor.Randn([3, 5, 48], g).To(dt).Matmul(w.T);   // (3, 5, 24): the batched path
        Assert.Equal(dt, batched.DType);
        Assert.Equal([3, 5, 24], batched.ShapeArray());
    }

    [Fact]
    public void BFloat16CheckpointLoadsAsBFloat16AndMultipliesLikeFloat32()
    {
        var dir = Directory.CreateTempSubdirectory("tessera-bf16-");
        try
        {
            var g = new Generator(8);
            var w32 = Tensor.Randn([64, 32], g);
            string path = Path.Combine(dir.FullName, "w.safetensors");
            SafeTensors.Save(new Dictionary<string, Tensor> { ["w"] = w32.To(DType.BFloat16) }, path);
            var loaded = SafeTensors.Load(path)["w"];
            Assert.Equal(DType.BFloat16, loaded.DType);
            Assert.Equal(64 * 32 * 2, loaded.Numel * loaded.DType.ElementSize());
            var x = Tensor.Randn([3, 64], g);
            var y = x.To(DType.BFloat16).Matmul(loaded);
            TensorAssert.Close(x.Matmul(w32).ToDoubleArray(), y, 0.3, 1.0 / 64, "bf16 checkpoint matmul");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
