using Tessera.Testing;

namespace Tessera.Tests.Ops;

/// <summary>Finite-difference gradient checks (Float64) and scalar references for the non-elementwise ops.</summary>
public class StructuredOpTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(shape, new Generator(seed), DType.Float64, requiresGrad: true);

    public static IEnumerable<object[]> GradCases() => Cases.Keys.Select(k => new object[] { k });

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> Fn, Func<Tensor[]> Inputs)> Cases = new()
    {
        ["sum_all"] = (t => t[0].Sum(), () => [R(1, 3, 4)]),
        ["sum_dim_keep"] = (t => t[0].Sum([0, 2], keepDim: true), () => [R(1, 2, 3, 4)]),
        ["mean_dim"] = (t => t[0].Mean(1), () => [R(2, 3, 5)]),
        ["var_unbiased"] = (t => t[0].Var([1]), () => [R(3, 4, 6)]),
        ["var_biased_all"] = (t => t[0].Var(null, correction: 0), () => [R(3, 5)]),
        ["std_dim"] = (t => t[0].Std([0], keepDim: true), () => [R(4, 5, 3)]),
        ["max_dim"] = (t => t[0].Max(1).Values, () => [R(5, 3, 7)]),
        ["min_dim_keep"] = (t => t[0].Min(0, keepDim: true).Values, () => [R(6, 4, 3)]),
        ["max_all"] = (t => t[0].Max(), () => [R(7, 4, 3)]),
        ["logsumexp"] = (t => t[0].LogSumExp(-1), () => [R(8, 3, 5)]),
        ["mm"] = (t => t[0].Matmul(t[1]), () => [R(1, 3, 4), R(2, 4, 5)]),
        ["mm_transposed_views"] = (t => t[0].T.Matmul(t[1].T), () => [R(1, 4, 3), R(2, 5, 4)]),
        ["dot"] = (t => t[0].Matmul(t[1]), () => [R(1, 6), R(2, 6)]),
        ["vec_mat"] = (t => t[0].Matmul(t[1]), () => [R(1, 4), R(2, 4, 3)]),
        ["mat_vec"] = (t => t[0].Matmul(t[1]), () => [R(1, 3, 4), R(2, 4)]),
        ["bmm_broadcast"] = (t => t[0].Matmul(t[1]), () => [R(1, 2, 1, 3, 4), R(2, 5, 4, 2)]),
        ["batched_by_matrix"] = (t => t[0].Matmul(t[1]), () => [R(1, 2, 3, 4), R(2, 4, 5)]),
        ["linear_bias"] = (t => Tensor.Linear(t[0], t[1], t[2]), () => [R(1, 2, 3, 4), R(2, 5, 4), R(3, 5)]),
        ["linear_nobias"] = (t => Tensor.Linear(t[0], t[1]), () => [R(1, 3, 4), R(2, 2, 4)]),
        ["linear_2d_bias"] = (t => Tensor.Linear(t[0], t[1], t[2]), () => [R(1, 3, 4), R(2, 5, 4), R(3, 5)]),
        ["linear_weight_transposed_view"] = (t => Tensor.Linear(t[0], t[1].T, t[2]), () => [R(1, 3, 4), R(2, 4, 5), R(3, 5)]),
        ["linear_weight_strided"] = (t => Tensor.Linear(t[0], t[1].Slice(1, 0, 8, 2)), () => [R(1, 2, 3, 4), R(2, 5, 8)]),
        ["softmax"] = (t => t[0].Softmax(1), () => [R(1, 3, 4, 2)]),
        ["log_softmax"] = (t => t[0].LogSoftmax(-1), () => [R(1, 3, 5)]),
        ["cross_entropy"] = (t => Functional.CrossEntropy(t[0], Tensor.FromArray(new long[] { 1, 0, 4 })), () => [R(1, 3, 5)]),
        ["cross_entropy_weighted_smoothed_ignore"] = (t => Functional.CrossEntropy(t[0], Tensor.FromArray(new long[] { 1, -100, 4, 2 }),
            weight: Tensor.FromArray([0.5, 1, 2, 1, 3]), labelSmoothing: 0.1), () => [R(1, 4, 5)]),
        ["cross_entropy_spatial_none"] = (t => Functional.CrossEntropy(t[0], Tensor.FromArray(new long[] { 0, 2, 1, 1, 0, 2 }, [2, 3]), reduction: Reduction.None), () => [R(1, 2, 3, 3)]),
        ["mse_loss"] = (t => Functional.MseLoss(t[0], t[1]), () => [R(1, 3, 4), R(2, 3, 4)]),
        ["gather"] = (t => t[0].Gather(1, Tensor.FromArray(new long[] { 0, 2, 2, 1, 0, 0 }, [2, 3])), () => [R(1, 2, 4)]),
        ["scatter_add"] = (t => t[0].ScatterAdd(0, Tensor.FromArray(new long[] { 0, 1, 0, 1, 1, 0 }, [2, 3]), t[1]), () => [R(1, 2, 3), R(2, 2, 3)]),
        ["index_select"] = (t => t[0].IndexSelect(1, Tensor.FromArray(new long[] { 2, 0, 2 })), () => [R(1, 3, 4)]),
        ["cat"] = (t => Tensor.Cat([t[0], t[1]], 1), () => [R(1, 2, 3), R(2, 2, 5)]),
        ["stack"] = (t => Tensor.Stack([t[0], t[1]], 2), () => [R(1, 2, 3), R(2, 2, 3)]),
        ["split"] = (t => t[0].Split(2, 1)[1].Mul(3.0), () => [R(1, 3, 5)]),
        ["chunk"] = (t => t[0].Chunk(3, 0)[2], () => [R(1, 7, 2)]),
        ["reshape_noncontiguous"] = (t => t[0].T.Reshape(-1), () => [R(1, 3, 4)]),
        ["permute_narrow_select"] = (t => t[0].Permute(2, 0, 1).Narrow(1, 1, 2).Select(0, 1), () => [R(1, 3, 4, 2)]),
        ["slice_step"] = (t => t[0].Slice(1, 0, 5, 2), () => [R(1, 2, 5)]),
        ["squeeze_unsqueeze"] = (t => t[0].Unsqueeze(1).Squeeze().Unsqueeze(-1), () => [R(1, 3, 1, 2)]),
        ["expand"] = (t => t[0].Expand(4, 3, -1), () => [R(1, 3, 1)]),
        ["layer_norm"] = (t => Functional.LayerNorm(t[0], [4], t[1], t[2]), () => [R(1, 3, 4), R(2, 4), R(3, 4)]),
        ["layer_norm_2d_noaffine"] = (t => Functional.LayerNorm(t[0], [2, 3]), () => [R(1, 2, 2, 3)]),
        ["batch_norm_train"] = (t => Functional.BatchNorm(t[0], null, null, t[1], t[2], training: true), () => [R(1, 4, 3, 2), R(2, 3), R(3, 3)]),
        ["embedding"] = (t => Functional.Embedding(Tensor.FromArray(new long[] { 1, 3, 1, 0 }, [2, 2]), t[0]), () => [R(1, 4, 3)]),
        ["where_broadcast"] = (t => Tensor.Where(Tensor.FromArray([true, false, true]), t[0], t[1]), () => [R(1, 2, 3), R(2, 1)]),
        ["to_float32_roundtrip"] = (t => t[0].To(DType.Float32).To(DType.Float64), () => [R(1, 3)]),
    };

    [Theory]
    [MemberData(nameof(GradCases))]
    public void GradientMatchesFiniteDifferences(string name)
    {
        var (fn, inputs) = Cases[name];
        // float32 round trip loses precision: compare loosely there.
        if (name == "to_float32_roundtrip") GradCheck.Check(fn, inputs(), eps: 1e-3, atol: 1e-3, rtol: 1e-3);
        else GradCheck.Check(fn, inputs());
    }

    [Theory]
    [InlineData(DType.Float32, 1)]
    [InlineData(DType.Float32, 3)]
    [InlineData(DType.Float64, 2)]
    public void LinearMatchesLoopsForEveryWeightLayout(DType dt, int batch)
    {
        var g = new Generator(11);
        const int inF = 37, outF = 19;
        var x = Tensor.Randn([2, batch, inF], g, dt);
        var bias = Tensor.Randn([outF], g, dt);
        var contiguous = Tensor.Randn([outF, inF], g, dt);
        var layouts = new Dictionary<string, Tensor>
        {
            ["contiguous"] = contiguous,
            ["transposed view"] = contiguous.T.Contiguous().T,               // column-major (outF, inF)
            ["strided"] = Tensor.Randn([outF, 2 * inF], g, dt).Slice(1, 0, 2 * inF, 2),   // inner stride 2: copied
        };
        double tol = dt == DType.Float32 ? 1e-4 : 1e-12;
        foreach (var (name, w) in layouts)
        {
            var wv = w.Contiguous().ToDoubleArray();
            var bv = bias.ToDoubleArray();
            foreach (var input in new[] { x, x.Select(0, 1) })   // 3-D and 2-D inputs
            {
                var y = Tensor.Linear(input, w, bias);
                var xv = input.Contiguous().ToDoubleArray();
                Assert.Equal([.. input.ShapeArray()[..^1], outF], y.ShapeArray());
                var yv = y.ToDoubleArray();
                for (int r = 0; r < xv.Length / inF; r++)
                    for (int o = 0; o < outF; o++)
                    {
                        double acc = bv[o];
                        for (int k = 0; k < inF; k++) acc += xv[r * inF + k] * wv[o * inF + k];
                        Assert.True(Math.Abs(yv[r * outF + o] - acc) <= tol * (1 + Math.Abs(acc)), $"{name}, rank {input.Rank}: y[{r}, {o}] = {yv[r * outF + o]}, expected {acc}");
                    }
            }
        }
    }

    [Fact]
    public void SumAndMeanMatchLoops()
    {
        var x = Tensor.Randn([3, 4, 5], new Generator(3), DType.Float64);
        var v = x.ToDoubleArray();
        var s = x.Sum([1]);
        for (int i = 0; i < 3; i++)
        for (int k = 0; k < 5; k++)
        {
            double acc = 0;
            for (int j = 0; j < 4; j++) acc += v[(i * 4 + j) * 5 + k];
            Assert.Equal(acc, s.GetAsDouble(i, k), 12);
            Assert.Equal(acc / 4, x.Mean(1).GetAsDouble(i, k), 12);
        }
    }

    [Fact]
    public void LargeSumIsAccurateAndDeterministic()
    {
        var x = Tensor.Rand([1_000_003], new Generator(9));
        double expected = x.ToDoubleArray().Sum();
        float a = x.Sum().Item<float>(), b = x.Sum().Item<float>();
        Assert.Equal(a, b);
        Assert.True(Math.Abs(a - expected) < 1e-6 * expected, $"{a} vs {expected}");
    }

    [Fact]
    public void VarStdMatchTwoPassReference()
    {
        var x = Tensor.FromArray([1.0, 2.0, 4.0, 8.0]);
        // mean 3.75, squared deviations sum to 28.75
        Assert.Equal(28.75 / 3, x.Var().ItemAsDouble(), 12);
        Assert.Equal(28.75 / 4, x.Var(correction: 0).ItemAsDouble(), 12);
        Assert.Equal(Math.Sqrt(28.75 / 3), x.Std().ItemAsDouble(), 12);
    }

    [Fact]
    public void ArgmaxArgminTakeFirstOnTiesAndNaNWins()
    {
        var x = Tensor.FromArray([1f, 3f, 3f, 0f, 0f], [5]);
        Assert.Equal(1L, x.Argmax().Item<long>());
        Assert.Equal(3L, x.Argmin().Item<long>());
        var n = Tensor.FromArray([1f, float.NaN, 3f]);
        Assert.Equal(1L, n.Argmax().Item<long>());
        Assert.True(float.IsNaN(n.Max().Item<float>()));
        var m = Tensor.FromArray([1f, 5f, 2f, 7f, 0f, 9f], [2, 3]);
        var (vals, idx) = m.Max(1);
        Assert.Equal([5f, 9f], vals.ToArray<float>());
        Assert.Equal([1L, 2], idx.ToArray<long>());
        Assert.Equal([1L, 0, 1], m.Argmax(0).ToArray<long>());
    }

    [Fact]
    public void FullMaxSharesGradientAmongTiesLikePyTorch()
    {
        var x = Tensor.FromArray([1.0, 3.0, 3.0, 2.0], requiresGrad: true);
        x.Max().Backward();
        TensorAssert.Close([0, 0.5, 0.5, 0], x.Grad!, 0, 0);
    }

    [Fact]
    public void MatmulMatchesTripleLoopForOddShapes()
    {
        foreach (var (m, k, n) in new[] { (1, 1, 1), (3, 17, 5), (33, 7, 65), (0, 3, 4), (4, 0, 3) })
        {
            var a = Tensor.Randn([m, k], new Generator(1));
            var b = Tensor.Randn([k, n], new Generator(2));
            var av = a.ToDoubleArray();
            var bv = b.ToDoubleArray();
            var expected = new double[m * n];
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) expected[i * n + j] += av[i * k + p] * bv[p * n + j];
            TensorAssert.Close(expected, a.Matmul(b), 1e-5, 1e-5, $"{m}x{k}x{n}", [m, n]);
        }
    }

    [Fact]
    public void CrossEntropyMatchesHandComputedValue()
    {
        var logits = Tensor.FromArray([1.0, 2.0, 3.0, 1.0, 1.0, 1.0], [2, 3]);
        var target = Tensor.FromArray(new long[] { 2, 0 });
        double l0 = -Math.Log(Math.Exp(3) / (Math.Exp(1) + Math.Exp(2) + Math.Exp(3)));
        double l1 = Math.Log(3);
        Assert.Equal((l0 + l1) / 2, Functional.CrossEntropy(logits, target).ItemAsDouble(), 12);
        Assert.Equal(l0 + l1, Functional.CrossEntropy(logits, target, reduction: Reduction.Sum).ItemAsDouble(), 12);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Functional.CrossEntropy(logits, Tensor.FromArray(new long[] { 3, 0 })));
        Assert.Contains("target 3", ex.Message);
    }

    [Fact]
    public void BatchNormUpdatesRunningStatsLikePyTorch()
    {
        var x = Tensor.FromArray([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [4, 2]);
        var rm = Tensor.Zeros([2], DType.Float64);
        var rv = Tensor.Ones([2], DType.Float64);
        Functional.BatchNorm(x, rm, rv, training: true, momentum: 0.1);
        // channel 0: values 1,3,5,7 → mean 4, unbiased var 20/3
        TensorAssert.Close([0.4, 0.5], rm, 1e-12, 0);
        TensorAssert.Close([0.9 + 0.1 * 20.0 / 3, 0.9 + 0.1 * 20.0 / 3], rv, 1e-12, 0);
        var y = Functional.BatchNorm(x, rm, rv, training: false);
        Assert.Equal((1 - 0.4) / Math.Sqrt(rv.GetAsDouble(0) + 1e-5), y.GetAsDouble(0, 0), 12);
    }

    [Fact]
    public void DropoutIsSeededScaledAndIdentityInEval()
    {
        var x = Tensor.Ones([10_000]);
        var y1 = Functional.Dropout(x, 0.3, training: true, generator: new Generator(5));
        var y2 = Functional.Dropout(x, 0.3, training: true, generator: new Generator(5));
        Assert.Equal(y1.ToArray<float>(), y2.ToArray<float>());
        var v = y1.ToArray<float>();
        Assert.All(v, e => Assert.True(e == 0 || Math.Abs(e - 1 / 0.7f) < 1e-6));
        double keptFraction = v.Count(e => e != 0) / 10_000.0;
        Assert.InRange(keptFraction, 0.67, 0.73);
        Assert.Same(x, Functional.Dropout(x, 0.3, training: false));
    }

    [Fact]
    public void EmbeddingPaddingRowGetsNoGradient()
    {
        var w = Tensor.Randn([4, 3], new Generator(1), DType.Float64, requiresGrad: true);
        var y = Functional.Embedding(Tensor.FromArray(new long[] { 0, 2, 0, 1 }), w, paddingIdx: 0);
        TensorAssert.Close(w.Detach().Select(0, 0).ToDoubleArray(), y.Select(0, 0), 0, 0, "padding row forward");
        y.Sum().Backward();
        TensorAssert.Close([0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0], w.Grad!, 0, 0, "grad");
    }

    [Fact]
    public void EmbeddingRejectsOutOfRangeIndexByName()
    {
        var w = Tensor.Zeros([4, 2]);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Embedding(Tensor.FromArray(new long[] { 1, 4 }), w));
        Assert.Contains("index 4", ex.Message);
    }
}
