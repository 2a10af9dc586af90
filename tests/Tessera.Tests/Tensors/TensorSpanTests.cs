namespace Tessera.Tests.Tensors;

/// <summary>The checked public span accessors used by optimizers and datasets outside the library.</summary>
public class TensorSpanTests
{
    [Fact]
    public void AsSpanWritesThroughToTheTensor()
    {
        var t = Tensor.Zeros([2, 3]);
        var s = t.AsSpan<float>();
        Assert.Equal(6, s.Length);
        s[4] = 2.5f;
        Assert.Equal(2.5, t.GetAsDouble(1, 1));
        Assert.Equal(2.5f, t.AsReadOnlySpan<float>()[4]);
    }

    [Fact]
    public void AsSpanOfAViewStartsAtItsOffset()
    {
        var t = Tensor.FromArray(new double[] { 0, 1, 2, 3, 4, 5 }, [3, 2]);
        Assert.Equal(new double[] { 4, 5 }, t.Select(0, 2).AsReadOnlySpan<double>().ToArray());
    }

    [Fact]
    public void WrongElementTypeThrowsNamingBoth()
    {
        var t = Tensor.Zeros([3], DType.Float64);
        var ex = Assert.Throws<InvalidOperationException>(() => t.AsSpan<float>());
        Assert.Equal("AsSpan<Single>: the tensor has dtype float64, whose elements are not Single.", ex.Message);
        var ex2 = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros([2], DType.BFloat16).AsReadOnlySpan<ushort>());
        Assert.Equal("AsReadOnlySpan<UInt16>: the tensor has dtype bfloat16, whose elements are not UInt16.", ex2.Message);
        Assert.Equal(2, Tensor.Zeros([2], DType.BFloat16).AsReadOnlySpan<BFloat16>().Length);
    }

    [Fact]
    public void NonContiguousThrows()
    {
        var t = Tensor.Zeros([2, 3]).T;
        var ex = Assert.Throws<InvalidOperationException>(() => t.AsSpan<float>());
        Assert.Equal("AsSpan<Single>: the tensor (shape [3, 2]) is not contiguous; call Contiguous() first.", ex.Message);
        Assert.Throws<InvalidOperationException>(() => t.AsBytes());
    }

    [Fact]
    public void AsBytesCoversEveryElement()
    {
        var t = Tensor.FromArray(new long[] { 1, -1 });
        var b = t.AsBytes();
        Assert.Equal(16, b.Length);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255 }, b.ToArray());
    }
}
