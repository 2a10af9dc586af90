using Tessera.Testing;

namespace Tessera.Nn.Tests;

/// <summary>
/// <see cref="Functional.CrossEntropy"/> runs one fused kernel with its own backward; these tests hold it to the composed
/// definition (log-softmax, gather, class weights, smoothing term, PyTorch's 'mean' denominator) for every option.
/// </summary>
public class CrossEntropyFusedTests
{
    /// <summary>The composed path: input (N, C[, d...]) moved to (M, C) rows, then log-softmax + weighted NLL + smoothing.</summary>
    private static Tensor Composed(Tensor input, long[] target, double[]? weight, long ignoreIndex, double eps, Reduction reduction, int[] targetShape)
    {
        var x = input;
        if (x.Rank > 2)
        {
            var perm = new List<int> { 0 };
            for (int i = 2; i < x.Rank; i++) perm.Add(i);
            perm.Add(1);
            x = x.Permute(perm.ToArray());
        }
        int c = input.Shape[input.Rank == 1 ? 0 : 1];
        x = x.Reshape(-1, c);
        int m = x.Shape[0];
        var safe = target.Select(t => t == ignoreIndex ? 0 : t).ToArray();
        var keep = Tensor.FromArray(target.Select(t => t == ignoreIndex ? 0.0 : 1.0).ToArray()).To(x.DType);    // (M)
        var logp = x.LogSoftmax(1);                                                                           // (M, C)
        var picked = logp.Gather(1, Tensor.FromArray(safe, [m, 1])).Reshape(m).Neg();                         // (M)
        var wAll = Tensor.FromArray(weight ?? Enumerable.Repeat(1.0, c).ToArray()).To(x.DType);               // (C)
        var wt = wAll.IndexSelect(0, Tensor.FromArray(safe)).Mul(keep);                                       // (M)
        var smooth = logp.Mul(wAll).Sum(1).Neg().Mul(keep);                                                   // (M)
        var loss = picked.Mul(wt).Mul(1 - eps).Add(smooth.Mul(eps / c));
        return reduction switch
        {
            Reduction.Mean => loss.Sum().Div(wt.Sum()),
            Reduction.Sum => loss.Sum(),
            _ => loss.Reshape(targetShape),
        };
    }

    public static IEnumerable<object[]> Cases()
    {
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
            foreach (var weighted in new[] { false, true })
                foreach (var eps in new[] { 0.0, 0.2 })
                    foreach (var spatial in new[] { false, true })
                        yield return [reduction, weighted, eps, spatial];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedMatchesComposedValueAndGradient(Reduction reduction, bool weighted, double eps, bool spatial)
    {
        const int c = 7;
        int[] shape = spatial ? [3, c, 2, 5] : [11, c];
        int[] targetShape = spatial ? [3, 2, 5] : [11];
        int m = targetShape.Aggregate(1, (a, b) => a * b);
        var rng = new Random(5);
        var target = Enumerable.Range(0, m).Select(i => i % 4 == 1 ? -1L : rng.Next(c)).ToArray();     // every 4th ignored
        double[]? weight = weighted ? Enumerable.Range(0, c).Select(i => 0.5 + 0.25 * i).ToArray() : null;
        foreach (var (dtype, tol) in new[] { (DType.Float64, 1e-12), (DType.Float32, 2e-6) })
        {
            var x1 = Tensor.Randn(shape, new Generator(9), dtype, requiresGrad: true);
            var x2 = Tensor.Randn(shape, new Generator(9), dtype, requiresGrad: true);
            var fused = Functional.CrossEntropy(x1, Tensor.FromArray(target, targetShape), weight is null ? null : Tensor.FromArray(weight),
                ignoreIndex: -1, labelSmoothing: eps, reduction: reduction);
            var composed = Composed(x2, target, weight, -1, eps, reduction, targetShape);
            Assert.Equal(composed.ShapeArray(), fused.ShapeArray());
            TensorAssert.Close(composed.ToDoubleArray(), fused, tol, tol, $"{dtype} loss");
            var g = reduction == Reduction.None ? Tensor.Randn(targetShape, new Generator(4), dtype) : null;
            fused.Backward(g);
            composed.Backward(g);
            TensorAssert.Close(x2.Grad!.ToDoubleArray(), x1.Grad!, tol, tol, $"{dtype} grad");
            // Ignored samples get no gradient at all.
            var gx = x1.Grad!.ToDoubleArray();
            if (!spatial)
                for (int i = 1; i < m; i += 4)
                    Assert.All(gx.Skip(i * c).Take(c), v => Assert.Equal(0.0, v));
        }
    }

    [Fact]
    public void SingleSampleWithoutBatchDimAndFiniteDifferences()
    {
        var x = Tensor.Randn([6], new Generator(2), DType.Float64, requiresGrad: true);
        var loss = Functional.CrossEntropy(x, Tensor.Scalar(3, DType.Int64), labelSmoothing: 0.1);
        Assert.Empty(loss.ShapeArray());
        var xv = x.ToDoubleArray();
        double lse = Math.Log(xv.Sum(Math.Exp));
        double expected = 0.9 * (lse - xv[3]) + 0.1 / 6 * xv.Sum(v => lse - v);
        Assert.Equal(expected, loss.ItemAsDouble(), 12);
        GradCheck.Check(t => Functional.CrossEntropy(t[0], Tensor.Scalar(3, DType.Int64), labelSmoothing: 0.1), [x]);
        GradCheck.Check(t => Functional.CrossEntropy(t[0], Tensor.FromArray(new long[] { 0, 2, -100, 1, 1, 0 }, [2, 3]),
            weight: Tensor.FromArray([2.0, 0.5, 1.0]), labelSmoothing: 0.3, reduction: Reduction.None), [Tensor.Randn([2, 3, 3], new Generator(8), DType.Float64, requiresGrad: true)]);
    }

    [Fact]
    public void AllIgnoredMeanIsNaNAsPyTorch()
    {
        var x = Tensor.Randn([2, 3], new Generator(1), requiresGrad: true);
        var loss = Functional.CrossEntropy(x, Tensor.FromArray(new long[] { -100, -100 }));
        Assert.True(double.IsNaN(loss.ItemAsDouble()));
        Assert.Equal(0.0, Functional.CrossEntropy(x, Tensor.FromArray(new long[] { -100, -100 }), reduction: Reduction.Sum).ItemAsDouble());
    }
}
