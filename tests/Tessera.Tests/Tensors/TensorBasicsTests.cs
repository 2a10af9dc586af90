using Tessera.Testing;

namespace Tessera.Tests.Tensors;

public class TensorBasicsTests
{
    [Fact]
    public void CreationFunctions()
    {
        Assert.Equal(new float[6], Tensor.Zeros([2, 3]).ToArray<float>());
        Assert.All(Tensor.Ones([4], DType.Float64).ToArray<double>(), v => Assert.Equal(1.0, v));
        Assert.Equal([7L, 7], Tensor.Full([2], 7, DType.Int64).ToArray<long>());
        Assert.Equal([0L, 1, 2, 3, 4], Tensor.Arange(5).ToArray<long>());
        Assert.Equal([1.0f, 1.5f, 2.0f, 2.5f], Tensor.Arange(1, 3, 0.5, DType.Float32).ToArray<float>());
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f, 1f], Tensor.Linspace(0, 1, 5).ToArray<float>());
        Assert.Equal([1f, 0, 0, 0, 1, 0], Tensor.Eye(2, 3).ToArray<float>());
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 5, 0));
        Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, -1]));
        var ex = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[5], [2, 3]));
        Assert.Equal("Data has 5 elements but shape [2, 3] needs 6.", ex.Message);
    }

    [Fact]
    public void SameSeedGivesSameNumbersAndKnownFirstValues()
    {
        var a = Tensor.Randn([1000], new Generator(42)).ToArray<float>();
        var b = Tensor.Randn([1000], new Generator(42)).ToArray<float>();
        Assert.Equal(a, b);
        Assert.NotEqual(a, Tensor.Randn([1000], new Generator(43)).ToArray<float>());
        double mean = a.Average(), sd = Math.Sqrt(a.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.1, 0.1);
        Assert.InRange(sd, 0.9, 1.1);
        var u = Tensor.Rand([10_000], new Generator(1)).ToArray<float>();
        Assert.All(u, v => Assert.InRange(v, 0f, 0.99999994f));
        var r = Tensor.Randint(3, 7, [1000], new Generator(2)).ToArray<long>();
        Assert.All(r, v => Assert.InRange(v, 3, 6));
        Assert.Equal(4, r.Distinct().Count());

        // Literal first values, so a change to the stream is noticed. They come from an independent Python
        // re-implementation (tools/generator_reference.py) of SplitMix64 seeding + xoshiro256** (Blackman &
        // Vigna's reference algorithm), the 24/53-bit float conversions and Box–Muller; its SplitMix64 from 0
        // gives the published reference outputs (0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, ...).
        var g = new Generator(0);
        Assert.Equal([0x99EC5F36CB75F2B4UL, 0xBF6E1F784956452AUL, 0x1A5F849D4933E6E0UL, 0x6AA594F1262D2D2CUL],
            new[] { g.NextUInt64(), g.NextUInt64(), g.NextUInt64(), g.NextUInt64() });
        // Floats compare by bits: an equality within a tolerance would not notice a changed rounding.
        Assert.Equal([unchecked((int)0xBFCE7E1E), 0x3FC46A15, 0x3F481CF8, unchecked((int)0xBECCE629), 0x3C820484, unchecked((int)0xBE025D89)],
            a.Take(6).Select(BitConverter.SingleToInt32Bits));   // -1.6132238, 1.5344874, 0.781692, -0.40019348, 0.015871294, -0.12730993
        Assert.Equal([-1.6132237513849161, 1.5344873235334195, 0.7816920450573489, -0.40019349432348483],
            Tensor.Randn([4], new Generator(42), DType.Float64).ToArray<double>());
        Assert.Equal([0x3F33F2AF, 0x3F053B55, 0x3F12F897, 0x3EC85C38, 0x3F327A48, 0x3E13048C],
            u.Take(6).Select(BitConverter.SingleToInt32Bits));   // 0.7029218, 0.5204366, 0.5741057, 0.39132857, 0.69717836, 0.14357203
        Assert.Equal([0.7029218331588505, 0.5204366199388569, 0.5741057000197225, 0.39132860204190445],
            Tensor.Rand([4], new Generator(1), DType.Float64).ToArray<double>());
        Assert.Equal([6L, 5, 4, 4, 3, 3, 3, 4, 5, 5, 6, 5], r.Take(12));
    }

    [Fact]
    public void GeneratorStateRoundTrips()
    {
        var g = new Generator(7);
        g.NextNormal();
        var state = g.GetState();
        double next = g.NextNormal();
        var h = new Generator(99);
        h.SetState(state);
        Assert.Equal(next, h.NextNormal());
    }

    [Fact]
    public void ViewsShareStorage()
    {
        var x = Tensor.Arange(0, 12, 1, DType.Float32).Reshape(3, 4);
        var t = x.T;
        Assert.False(t.IsContiguous);
        Assert.Equal([4, 3], t.ShapeArray());
        Assert.Equal(4.0, t.GetAsDouble(0, 1));
        var row = x[1];
        using (GradMode.NoGrad()) row.Fill_(-1);
        Assert.Equal(-1.0, x.GetAsDouble(1, 2));
        var narrow = x.Narrow(1, 1, 2);
        Assert.Equal([3, 2], narrow.ShapeArray());
        Assert.Equal([1f, 2f, -1f, -1f, 9f, 10f], narrow.ToArray<float>());
        var e = Tensor.FromArray([1f, 2f]).Unsqueeze(0).Expand(3, 2);
        Assert.Equal(0, e.Strides[0]);
        Assert.Equal([1f, 2, 1, 2, 1, 2], e.ToArray<float>());
        Assert.Equal([3, 1, 2], e.Unsqueeze(1).ShapeArray());
        Assert.Equal([2], Tensor.Zeros([1, 2, 1]).Squeeze().ShapeArray());
        Assert.Equal([12], x.Flatten().ShapeArray());
        Assert.Throws<InvalidOperationException>(() => t.View(12));
        Assert.Equal([0f, -1f, 8f, 1f, -1f, 9f], t.Reshape(-1).Narrow(0, 0, 6).ToArray<float>());
        Assert.Equal([0f, 8f], x.Slice(0, 0, 3, 2).Select(1, 0).ToArray<float>());
    }

    [Fact]
    public void ReshapeErrorsNameTheShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]).Reshape(4, -1));
        Assert.Equal("Shape [4, -1] is invalid for a tensor of 6 elements.", ex.Message);
        var dimEx = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros([2, 3]).Sum(2));
        Assert.Equal($"Dimension 2 is out of range for a tensor of rank 2 (expected [-2, 1]). (Parameter 'dim'){Environment.NewLine}Actual value was 2.", dimEx.Message);
    }

    [Fact]
    public void ToStringLooksLikePyTorch()
    {
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]])", Tensor.FromArray([1f, 2, 3, 4], [2, 2]).ToString());
        Assert.Equal("tensor([0.5000, 1.2500], requires_grad=True)", Tensor.FromArray([0.5f, 1.25f], requiresGrad: true).ToString());
        Assert.Equal("tensor([1, 2, 3])", Tensor.FromArray(new long[] { 1, 2, 3 }).ToString());
        Assert.Equal("tensor([ True, False])", Tensor.FromArray([true, false]).ToString());
        Assert.Equal("tensor(3.5000, dtype=float64)", Tensor.Scalar(3.5, DType.Float64).ToString());
        Assert.Contains("grad_fn=<MulBackward>", Tensor.Ones([2], requiresGrad: true).Mul(2.0).ToString());
        Assert.Contains("...", Tensor.Zeros([2000]).ToString());
        Assert.Equal("tensor([], size=(0))", Tensor.Zeros([0]).ToString());
    }

    [Fact]
    public void DTypeConversions()
    {
        var x = Tensor.FromArray([1.7f, -2.2f]);
        Assert.Equal([1L, -2], x.To(DType.Int64).ToArray<long>());
        Assert.Equal([true, true], x.To(DType.Bool).ToArray<bool>());
        var big = Tensor.FromArray(new long[] { 9007199254740993 });
        Assert.Equal(9007199254740993, big.To(DType.Int64).Item<long>());
        Assert.Throws<InvalidOperationException>(() => x.ToArray<double>());
        Assert.Throws<InvalidOperationException>(() => Tensor.Zeros([2], DType.Int64).RequiresGrad = true);
    }

    [Fact]
    public void ScopeReleasesTemporariesButKeepsKeptTensors()
    {
        Tensor kept, temp;
        using (var scope = TensorScope.Begin())
        {
            temp = Tensor.Ones([1024]);
            kept = scope.Keep(temp.Mul(2.0));
        }
        Assert.Equal(2f, kept.ToArray<float>()[0]);
        Assert.Throws<ObjectDisposedException>(() => temp.ToArray<float>());
    }

    [Fact]
    public void DisposeReleasesStorageForAllViews()
    {
        var t = Tensor.Ones([4096]);
        var view = t.Narrow(0, 10, 5);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => view.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
        t.Dispose();   // idempotent
    }

    [Fact]
    public void StorageIs64ByteAligned()
    {
        for (int n = 1; n < 50; n += 7)
        {
            var t = Tensor.Zeros([n]);
            unsafe
            {
                fixed (float* p = t.Span<float>()) Assert.Equal(0, (long)p % 64);
            }
        }
    }

    [Fact]
    public void SameSeedAndThreadsGiveBitIdenticalTraining()
    {
        static float[] Run()
        {
            var g = new Generator(3);
            var w = Tensor.Randn([20, 30], g, requiresGrad: true);
            var x = Tensor.Randn([64, 30], g);
            var y = Tensor.Randint(0, 20, [64], g);
            for (int step = 0; step < 5; step++)
            {
                w.Grad = null;
                var loss = Functional.CrossEntropy(Tensor.Linear(x, w).Relu(), y);
                loss.Backward();
                using (GradMode.NoGrad()) w.Sub_(w.Grad!, 0.1);
            }
            return w.ToArray<float>();
        }
        Assert.Equal(Run(), Run());
    }
}
