using Tessera.Testing;

namespace Tessera.Tests.Ops;

/// <summary>Every op states the dtypes it supports: the rest throw naming the op and the dtype instead of computing garbage.</summary>
public class DTypeSupportTests
{
    private static Tensor Int8(params int[] shape) => Tensor.Zeros(shape, DType.Int8);

    public static IEnumerable<object[]> UnsupportedCases() => Cases.Keys.Select(k => new object[] { k });

    private static readonly Dictionary<string, (Action Call, string Op, string DType)> Cases = new()
    {
        ["conv2d int8"] = (() => Functional.Conv2d(Int8(1, 1, 4, 4), Int8(1, 1, 3, 3)), "conv2d", "int8"),
        ["conv2d bf16"] = (() => Functional.Conv2d(Int8(1, 1, 4, 4).To(DType.BFloat16), Int8(1, 1, 3, 3).To(DType.BFloat16)), "conv2d", "bfloat16"),
        ["max_pool2d int8"] = (() => Functional.MaxPool2d(Int8(1, 1, 4, 4), (2, 2)), "max_pool2d", "int8"),
        ["avg_pool2d uint8"] = (() => Functional.AvgPool2d(Tensor.Zeros([1, 1, 4, 4], DType.UInt8), (2, 2)), "avg_pool2d", "uint8"),
        ["adaptive_avg_pool2d f16"] = (() => Functional.AdaptiveAvgPool2d(Tensor.Zeros([1, 1, 4, 4], DType.Float16), (2, 2)), "adaptive_avg_pool2d", "float16"),
        ["layer_norm int8"] = (() => Functional.LayerNorm(Int8(2, 3), [3]), "layer_norm", "int8"),
        ["batch_norm int16"] = (() => Functional.BatchNorm(Tensor.Zeros([2, 3], DType.Int16), null, null), "batch_norm", "int16"),
        ["embedding int8 table"] = (() => Functional.Embedding(Tensor.FromArray(new long[] { 0 }), Int8(2, 3)), "embedding", "int8"),
        ["scatter_add int32"] = (() => Tensor.Zeros([3], DType.Int32).ScatterAdd(0, Tensor.FromArray(new long[] { 1 }), Tensor.Zeros([1], DType.Int32)), "scatter_add", "int32"),
        ["matmul int8"] = (() => Int8(2, 2).Matmul(Int8(2, 2)), "Matmul", "int8"),
    };

    [Theory]
    [MemberData(nameof(UnsupportedCases))]
    public void UnsupportedDTypeThrowsNamingOpAndDType(string name)
    {
        var (call, op, dtype) = Cases[name];
        var ex = Record.Exception(call);
        Assert.NotNull(ex);
        Assert.True(ex is NotSupportedException or ArgumentException, $"{name}: {ex.GetType().Name}: {ex.Message}");
        Assert.Contains(op, ex.Message);
        Assert.Contains(dtype, ex.Message);
    }

    [Fact]
    public void ConvAndPoolOnInt8ThrowNotSupported()
    {
        Assert.Equal("conv2d does not support dtype int8.",
            Assert.Throws<NotSupportedException>(() => Functional.Conv2d(Int8(1, 1, 4, 4), Int8(1, 1, 3, 3))).Message);
        Assert.Equal("max_pool2d does not support dtype int8.",
            Assert.Throws<NotSupportedException>(() => Functional.MaxPool2d(Int8(1, 1, 4, 4), (2, 2))).Message);
        Assert.Equal("layer_norm does not support dtype bfloat16; convert with .To(DType.Float32) first.",
            Assert.Throws<NotSupportedException>(() => Functional.LayerNorm(Tensor.Zeros([2, 3], DType.BFloat16), [3])).Message);
    }

    [Theory]
    [InlineData(DType.BFloat16)]
    [InlineData(DType.Float16)]
    public void ReducedPrecisionSoftmaxComputesInFloat32AndRoundsOnce(DType dtype)
    {
        var x32 = Tensor.FromArray(new float[] { 0.5f, -1.25f, 3f, 2f, 0f, -0.75f }, [2, 3]);
        var x = x32.To(dtype);
        // Reference: the exact softmax of the stored (already rounded) inputs, in double, rounded to the dtype once.
        var xs = x.ToDoubleArray();
        var expected = new double[6];
        for (int r = 0; r < 2; r++)
        {
            double m = Math.Max(xs[3 * r], Math.Max(xs[3 * r + 1], xs[3 * r + 2])), z = 0;
            for (int c = 0; c < 3; c++) z += Math.Exp(xs[3 * r + c] - m);
            for (int c = 0; c < 3; c++) expected[3 * r + c] = Math.Exp(xs[3 * r + c] - m) / z;
        }
        var y = x.Softmax(-1);
        Assert.Equal(dtype, y.DType);
        var rounded = Tensor.FromArray(expected, [2, 3]).To(DType.Float32).To(dtype).ToDoubleArray();
        Assert.Equal(rounded, y.ToDoubleArray());
    }

    [Fact]
    public void ReducedPrecisionSumAccumulatesInFloat32()
    {
        // 300 ones in bfloat16: a bf16 accumulator would stop at 256; float32 accumulation gives 300 (exact in bf16? 300 = 0b100101100 rounds to 300).
        var x = Tensor.Ones([300], DType.BFloat16);
        var s = x.Sum();
        Assert.Equal(DType.BFloat16, s.DType);
        Assert.Equal(300.0, s.ItemAsDouble());
        Assert.Equal(4.0, Tensor.FromArray(new float[] { 1, 4, -2 }).To(DType.Float16).Max().ItemAsDouble());
    }

    [Fact]
    public void WhereSelectsTwoByteElements()
    {
        // Before the dispatch, 2-byte dtypes fell into the 8-byte case of a size switch.
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5 }).To(DType.Float16);
        var b = Tensor.FromArray(new float[] { -1, -2, -3, -4, -5 }).To(DType.Float16);
        var cond = Tensor.FromArray(new float[] { 1, 0, 1, 0, 0 }).Ne(Tensor.Scalar(0));
        var y = Tensor.Where(cond, a, b);
        Assert.Equal(DType.Float16, y.DType);
        Assert.Equal(new double[] { 1, -2, 3, -4, -5 }, y.ToDoubleArray());
    }

    [Fact]
    public void ScatterAddAndIndexSelectKeepWorkingForFloat64()
    {
        var y = Tensor.Zeros([4], DType.Float64).ScatterAdd(0, Tensor.FromArray(new long[] { 1, 3, 1 }), Tensor.FromArray(new double[] { 0.5, 2, 0.25 }));
        Assert.Equal(new double[] { 0, 0.75, 0, 2 }, y.ToDoubleArray());
    }

    [Fact]
    public void ReducedPrecisionLeakyReluRoundTripsThroughFloat32WithGradient()
    {
        var x = Tensor.FromArray(new float[] { -2, 0.5f, 3 }).To(DType.BFloat16);
        x.RequiresGrad = true;
        var y = x.LeakyRelu(0.1);
        Assert.Equal(DType.BFloat16, y.DType);
        double slope = Tensor.FromArray(new float[] { 0.1f }).To(DType.BFloat16).ToDoubleArray()[0];
        double minus02 = Tensor.FromArray(new float[] { -2 * 0.1f }).To(DType.BFloat16).ToDoubleArray()[0];
        Assert.Equal(new[] { minus02, 0.5, 3 }, y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal(DType.BFloat16, x.Grad!.DType);
        Assert.Equal(new[] { slope, 1, 1 }, x.Grad.ToDoubleArray());
    }
}
