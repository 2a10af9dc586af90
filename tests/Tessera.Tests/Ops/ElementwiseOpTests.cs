using Tessera.Testing;

namespace Tessera.Tests.Ops;

public class ElementwiseOpTests
{
    public static IEnumerable<object[]> UnaryNames() => OpTable.Unaries.Select(u => new object[] { u.Name });
    public static IEnumerable<object[]> BinaryNames() => OpTable.Binaries.Select(u => new object[] { u.Name });

    private static Tensor Uniform(int[] shape, double lo, double hi, DType dtype, ulong seed)
        => Tensor.Rand(shape, new Generator(seed), DType.Float64).Mul(hi - lo).Add(lo).To(dtype);

    // float32 kernels (vectorized exp/tanh/sigmoid, erf) are compared with a float64 scalar reference.
    private static (double Atol, double Rtol) Tol(DType dt) => dt == DType.Float32 ? (2e-6, 2e-6) : (1e-12, 1e-12);

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void UnaryMatchesScalarReference(string name)
    {
        var op = OpTable.Unaries.Single(u => u.Name == name);
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
        foreach (int n in OpTable.Lengths)
        {
            var x = Uniform([n], op.Lo, op.Hi, dt, (ulong)n + 1);
            var y = op.Fn(x);
            Assert.Equal(dt, y.DType);
            var xs = x.ToDoubleArray();
            var expected = xs.Select(op.Reference).ToArray();
            var (atol, rtol) = Tol(dt);
            TensorAssert.Close(expected, y, atol, rtol, $"{name} {dt} n={n}", [n]);
        }
    }

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void UnaryWorksOnNonContiguousAndMultiDimInputs(string name)
    {
        var op = OpTable.Unaries.Single(u => u.Name == name);
        var x = Uniform([5, 7], op.Lo, op.Hi, DType.Float32, 3).T;   // (7, 5) transposed view
        var y = op.Fn(x);
        Assert.Equal([7, 5], y.ShapeArray());
        var expected = x.Contiguous().ToDoubleArray().Select(op.Reference).ToArray();
        TensorAssert.Close(expected, y, 2e-6, 2e-6, name);
    }

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void UnaryGradientMatchesFiniteDifferences(string name)
    {
        var op = OpTable.Unaries.Single(u => u.Name == name);
        foreach (int n in new[] { 1, 9, 17 })
        {
            var x = Uniform([n], op.Lo, op.Hi, DType.Float64, 11).RequiresGrad_();
            if (name is "relu" or "leaky_relu" or "abs" or "clamp")
            {
                // Keep samples away from the kink where the derivative is undefined.
                using (GradMode.NoGrad()) x = x.Detach().Add(x.Detach().Abs().Lt(0.05).To(DType.Float64).Mul(0.2)).RequiresGrad_();
                using (GradMode.NoGrad()) x = x.Detach().Add(x.Detach().Sub(-1).Abs().Lt(0.05).To(DType.Float64).Mul(0.2)).Add(x.Detach().Sub(1.5).Abs().Lt(0.05).To(DType.Float64).Mul(0.2)).RequiresGrad_();
            }
            GradCheck.Check(t => op.Fn(t[0]), [x]);
        }
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryBroadcastsAndMatchesScalarReference(string name)
    {
        var op = OpTable.Binaries.Single(u => u.Name == name);
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
        foreach (var (sa, sb) in OpTable.BroadcastPairs)
        {
            var a = Uniform(sa, op.Lo, op.Hi, dt, 5);
            var b = Uniform(sb, op.Lo, op.Hi, dt, 6);
            var y = op.Fn(a, b);
            int[] shape = BroadcastShape(sa, sb);
            var ae = a.Expand(shape).Contiguous().ToDoubleArray();
            var be = b.Expand(shape).Contiguous().ToDoubleArray();
            var expected = ae.Zip(be, op.Reference).ToArray();
            var (atol, rtol) = Tol(dt);
            TensorAssert.Close(expected, y, atol, rtol, $"{name} {dt} {string.Join('x', sa)} with {string.Join('x', sb)}", shape);
        }
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryLongVectorsMatchScalarReference(string name)
    {
        var op = OpTable.Binaries.Single(u => u.Name == name);
        foreach (int n in OpTable.Lengths)
        {
            var a = Uniform([n], op.Lo, op.Hi, DType.Float32, 1);
            var b = Uniform([n], op.Lo, op.Hi, DType.Float32, 2);
            var expected = a.ToDoubleArray().Zip(b.ToDoubleArray(), op.Reference).ToArray();
            TensorAssert.Close(expected, op.Fn(a, b), 2e-6, 2e-6, $"{name} n={n}");
        }
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryGradientMatchesFiniteDifferences(string name)
    {
        var op = OpTable.Binaries.Single(u => u.Name == name);
        foreach (var (sa, sb) in new (int[], int[])[] { ([3, 4], [3, 4]), ([3, 1], [1, 4]), ([2, 3], [3]), ([5], []) })
        {
            var a = Uniform(sa, op.Lo, op.Hi, DType.Float64, 21).RequiresGrad_();
            var b = Uniform(sb, op.Lo, op.Hi, DType.Float64, 22).RequiresGrad_();
            GradCheck.Check(t => op.Fn(t[0], t[1]), [a, b]);
        }
    }

    [Fact]
    public void MaximumSplitsGradientOnTiesLikePyTorch()
    {
        var a = Tensor.FromArray([1.0, 2.0], requiresGrad: true);
        var b = Tensor.FromArray([1.0, 3.0], requiresGrad: true);
        a.Maximum(b).Sum().Backward();
        TensorAssert.Close([0.5, 0], a.Grad!, 0, 0);
        TensorAssert.Close([0.5, 1], b.Grad!, 0, 0);
    }

    [Fact]
    public void NaNPropagatesThroughMaximumAndRelu()
    {
        var a = Tensor.FromArray([float.NaN, 1f]);
        Assert.True(float.IsNaN(a.Maximum(Tensor.FromArray([0f, 0f])).ToArray<float>()[0]));
        Assert.True(float.IsNaN(a.Relu().ToArray<float>()[0]));
    }

    [Fact]
    public void ComparisonsProduceBool()
    {
        var a = Tensor.FromArray([1f, 2f, 3f]);
        var b = Tensor.FromArray([2f, 2f, 2f]);
        Assert.Equal([true, false, false], a.Lt(b).ToArray<bool>());
        Assert.Equal([true, true, false], a.Le(b).ToArray<bool>());
        Assert.Equal([false, false, true], a.Gt(b).ToArray<bool>());
        Assert.Equal([false, true, true], a.Ge(b).ToArray<bool>());
        Assert.Equal([false, true, false], a.Eq(b).ToArray<bool>());
        Assert.Equal([true, false, true], a.Ne(b).ToArray<bool>());
        Assert.Equal(DType.Bool, a.Lt(b).DType);
    }

    public static TheoryData<DType> ComparisonDTypes() => new() { DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.Bool };

    [Theory]
    [MemberData(nameof(ComparisonDTypes))]
    public void ComparisonsMatchScalarLoopForEveryLayoutAndDtype(DType dtype)
    {
        const int R = 37, C = 70;
        bool hasNaN = dtype is DType.Float32 or DType.Float64;
        var rng = new Random(7);
        Tensor Make(params int[] shape)
        {
            var d = new double[shape.Aggregate(1, (p, x) => p * x)];
            for (int i = 0; i < d.Length; i++)
                d[i] = hasNaN && rng.Next(9) == 0 ? double.NaN : dtype == DType.Bool ? rng.Next(2) : rng.Next(-2, 3);
            return Tensor.FromArray(d, shape).To(dtype);
        }
        var layouts = new (string Name, Tensor A, Tensor B)[]
        {
            ("dense", Make(R, C), Make(R, C)),
            ("long dense", Make(70_001), Make(70_001)),
            ("row right", Make(R, C), Make(C)),
            ("row left", Make(1, C), Make(R, C)),
            ("column right", Make(R, C), Make(R, 1)),
            ("column left", Make(R, 1), Make(R, C)),
            ("scalar left", Make(), Make(R, C)),
            ("transposed", Make(C, R).Transpose(0, 1), Make(R, C)),
            ("outer", Make(R, 1), Make(1, C)),
        };
        var ops = new (string Name, Func<Tensor, Tensor, Tensor> Op, Func<double, double, bool> Reference)[]
        {
            ("eq", (a, b) => a.Eq(b), (x, y) => x == y),
            ("ne", (a, b) => a.Ne(b), (x, y) => x != y),
            ("lt", (a, b) => a.Lt(b), (x, y) => x < y),
            ("le", (a, b) => a.Le(b), (x, y) => x <= y),
            ("gt", (a, b) => a.Gt(b), (x, y) => x > y),
            ("ge", (a, b) => a.Ge(b), (x, y) => x >= y),
        };
        foreach (var (layout, a, b) in layouts)
        {
            int[] shape = layout == "long dense" ? [70_001] : [R, C];
            double[] ea = a.Expand(shape).Contiguous().To(DType.Float64).ToArray<double>();
            double[] eb = b.Expand(shape).Contiguous().To(DType.Float64).ToArray<double>();
            foreach (var (name, op, reference) in ops)
            {
                Tensor m = op(a, b);
                Assert.Equal(DType.Bool, m.DType);
                Assert.Equal(shape, m.ShapeArray());
                bool[] got = m.ToArray<bool>();
                for (int i = 0; i < got.Length; i++)
                    if (got[i] != reference(ea[i], eb[i]))
                        Assert.Fail($"{name} {layout} {dtype} at {i}: {ea[i]} vs {eb[i]} gave {got[i]}");
            }
        }
    }

    [Fact]
    public void WhereAndMaskedFillSelectAndRouteGradients()
    {
        var cond = Tensor.FromArray([true, false, true]);
        var a = Tensor.FromArray([1.0, 2.0, 3.0], requiresGrad: true);
        var b = Tensor.FromArray([10.0, 20.0, 30.0], requiresGrad: true);
        var y = Tensor.Where(cond, a, b);
        TensorAssert.Close([1, 20, 3], y, 0, 0);
        y.Sum().Backward();
        TensorAssert.Close([1, 0, 1], a.Grad!, 0, 0);
        TensorAssert.Close([0, 1, 0], b.Grad!, 0, 0);
        var m = a.MaskedFill(cond, -1);
        TensorAssert.Close([-1, 2, -1], m, 0, 0);
    }

    [Fact]
    public void IntegerArithmeticWithIntegerScalarsStaysIntegerAndFloatScalarsGiveFloat32()
    {
        var a = Tensor.FromArray(new long[] { 1, 2, 3 });
        var y = a + a * 2;
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal([3L, 6, 9], y.ToArray<long>());
        // As in PyTorch, the result dtype depends on the scalar's type, never on its value: 2.0 promotes like 1.5.
        Assert.Equal(DType.Float32, (a * 2.0).DType);
        Assert.Equal([2f, 4, 6], (a * 2.0).ToArray<float>());
        Assert.Equal([1.5f, 3, 4.5f], (a * 1.5).ToArray<float>());
        Assert.Equal(DType.Float32, (a / 2).DType);
        Assert.Equal(DType.Int64, Tensor.FromArray([true, false]).Add(1).DType);
        Assert.Equal(DType.Int32, Tensor.FromArray([1, 2]).Mul(3).DType);
        Assert.Equal(DType.BFloat16, Tensor.FromArray([1f, 2f]).To(DType.BFloat16).Mul(2.0).DType);
        // Integers wrap like C and PyTorch: uint8 200 + 100 = 44.
        Assert.Equal([(byte)44], Tensor.FromArray([200L]).To(DType.UInt8).Add(100).ToArray<byte>());
    }

    [Theory]
    [InlineData(DType.Int64)]
    [InlineData(DType.Int32)]
    public void IntegerOpsMatchScalarLoopsWithBroadcastingAndKeepTheirDtype(DType dtype)
    {
        const int R = 9, C = 130;
        var rng = new Random(3);
        long[] av = Enumerable.Range(0, R * C).Select(_ => (long)rng.Next(-1000, 1000)).ToArray();
        long[] bv = Enumerable.Range(0, C).Select(_ => (long)rng.Next(-1000, 1000)).ToArray();
        Tensor a = Tensor.FromArray(av, [R, C]).To(dtype), b = Tensor.FromArray(bv, [C]).To(dtype);
        var cases = new (string Name, Tensor Got, Func<long, long, long> Reference)[]
        {
            ("add", a.Add(b), (x, y) => x + y),
            ("sub", a.Sub(b), (x, y) => x - y),
            ("mul", a.Mul(b), (x, y) => x * y),
            ("max", a.Maximum(b), Math.Max),
            ("min", a.Minimum(b), Math.Min),
            ("neg", a.Neg(), (x, _) => -x),
            ("abs", a.Abs(), (x, _) => Math.Abs(x)),
        };
        foreach (var (name, got, reference) in cases)
        {
            Assert.Equal(dtype, got.DType);
            Assert.Equal([R, C], got.ShapeArray());
            long[] g = got.To(DType.Int64).ToArray<long>();
            for (int i = 0; i < R * C; i++)
                if (g[i] != reference(av[i], bv[i % C])) Assert.Fail($"{name} {dtype} at {i}: {av[i]}, {bv[i % C]} gave {g[i]}");
        }
    }

    [Fact]
    public void IncompatibleShapesNameBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]) + Tensor.Zeros([4]));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
    }

    private static int[] BroadcastShape(int[] a, int[] b)
    {
        int r = Math.Max(a.Length, b.Length);
        var s = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Length) >= 0 ? a[i - (r - a.Length)] : 1;
            int db = i - (r - b.Length) >= 0 ? b[i - (r - b.Length)] : 1;
            s[i] = da == 1 ? db : da;
        }
        return s;
    }
}
