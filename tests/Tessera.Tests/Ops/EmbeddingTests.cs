using Tessera.Testing;

namespace Tessera.Tests.Ops;

/// <summary>Functional.Embedding (on the embedding kernel) against a scalar reference and finite differences.</summary>
public class EmbeddingTests
{
    private static readonly long[] Ids = [3, 0, 3, 1, 4, 3, 0, 2];

    [Theory]
    [InlineData(3, null)]
    [InlineData(130, 3L)]    // wide rows take the kernel's column-split backward
    [InlineData(5, -5L)]     // negative padding index counts from the end (row 0)
    public void ForwardAndBackwardMatchScalarReference(int dim, long? paddingIdx)
    {
        const int v = 5;
        var w = Tensor.Randn([v, dim], new Generator(7), DType.Float64, requiresGrad: true);
        var idx = Tensor.FromArray(Ids, [2, 4]);
        var y = Functional.Embedding(idx, w, paddingIdx);
        Assert.Equal([2, 4, dim], y.ShapeArray());

        var wv = w.Detach().ToDoubleArray();
        var expected = new double[Ids.Length * dim];
        for (int i = 0; i < Ids.Length; i++)
            for (int c = 0; c < dim; c++) expected[i * dim + c] = wv[Ids[i] * dim + c];
        Assert.Equal(expected, y.ToDoubleArray());

        // d(Σ y·u)/dW[r] = Σ over positions i with ids[i] == r of u[i], except the padding row.
        var u = Tensor.Randn([2, 4, dim], new Generator(8), DType.Float64);
        y.Mul(u).Sum().Backward();
        var uv = u.ToDoubleArray();
        long pad = paddingIdx is { } p ? (p < 0 ? p + v : p) : -1;
        var grad = new double[v * dim];
        for (int i = 0; i < Ids.Length; i++)
        {
            if (Ids[i] == pad) continue;
            for (int c = 0; c < dim; c++) grad[Ids[i] * dim + c] += uv[i * dim + c];
        }
        TensorAssert.Close(grad, w.Grad!, 1e-12, 1e-12, "grad");
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var w = Tensor.Randn([6, 4], new Generator(3), DType.Float64, requiresGrad: true);
        var idx = Tensor.FromArray(new long[] { 5, 1, 1, 0, 5, 2 }, [3, 2]);
        // No padding index here: finite differences would see the padding row that autograd deliberately ignores.
        GradCheck.Check(t => Functional.Embedding(idx, t[0]), [w]);
    }

    [Fact]
    public void Float32MatchesFloat64Bitwise()
    {
        var w32 = Tensor.Randn([4, 8], new Generator(2), DType.Float32, requiresGrad: true);
        var idx = Tensor.FromArray(new long[] { 2, 2, 0 });
        var y = Functional.Embedding(idx, w32);
        Assert.Equal(DType.Float32, y.DType);
        var wv = w32.Detach().ToArray<float>();
        Assert.Equal(wv.AsSpan(16, 8).ToArray(), y.Select(0, 0).ToArray<float>());
        y.Sum().Backward();
        var g = w32.Grad!.ToArray<float>();
        Assert.All(g.AsSpan(16, 8).ToArray(), e => Assert.Equal(2f, e));
        Assert.All(g.AsSpan(0, 8).ToArray(), e => Assert.Equal(1f, e));
        Assert.All(g.AsSpan(8, 8).ToArray(), e => Assert.Equal(0f, e));
    }

    [Theory]
    [InlineData(DType.BFloat16)]
    [InlineData(DType.Float16)]
    public void ReducedPrecisionTableGathersStoredBitsAndAccumulatesGradInFloat32(DType dtype)
    {
        var w = Tensor.Randn([3, 5], new Generator(4), DType.Float32).To(dtype);
        w.RequiresGrad = true;
        var y = Functional.Embedding(Tensor.FromArray(new long[] { 2, 0 }), w);
        Assert.Equal(dtype, y.DType);
        var wv = w.Detach().ToDoubleArray();
        Assert.Equal(wv.AsSpan(10, 5).ToArray().Concat(wv.AsSpan(0, 5).ToArray()), y.ToDoubleArray());
        Functional.Embedding(Tensor.FromArray(new long[] { 1, 1, 1 }), w).Sum().Backward();
        Assert.Equal(dtype, w.Grad!.DType);
        Assert.Equal(new double[] { 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0 }, w.Grad.ToDoubleArray());
    }

    [Fact]
    public void BadPaddingIndexIsNamed()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Embedding(Tensor.FromArray(new long[] { 0 }), Tensor.Zeros([4, 2]), paddingIdx: 9));
        Assert.Contains("padding_idx 9", ex.Message);
    }
}
