using Tessera.Kernels.Pool;

namespace Tessera.Kernels.Tests;

// One collection, so these classes never start parallel regions from two threads at once: ParallelRuntime at
// 0c66a79 can hang when that happens (a worker signalled twice runs only the newer job).
[Collection("Tessera.Kernels.Conv")]
public class PoolTests
{
    // n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ceil(0/1)
    public static TheoryData<int[]> Geometries() => new()
    {
        new[] { 2, 3, 28, 28, 2, 2, 2, 2, 0, 0, 1, 1, 0 },  // LeNet
        new[] { 1, 2, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1 },
        new[] { 2, 1, 7, 6, 3, 2, 2, 1, 1, 1, 1, 1, 1 },
        new[] { 1, 2, 9, 9, 3, 3, 2, 2, 0, 0, 2, 2, 1 },    // dilation (max only)
        new[] { 2, 2, 10, 7, 4, 3, 3, 2, 2, 1, 1, 1, 0 },
        new[] { 2, 2, 10, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1 },
        new[] { 1, 1, 6, 6, 2, 2, 4, 4, 1, 1, 1, 1, 1 },    // stride beyond kernel, ceil
        new[] { 1, 3, 5, 8, 1, 1, 2, 3, 0, 0, 1, 1, 1 },    // 1x1 window
        new[] { 3, 2, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1 },    // last window is mostly padding
        new[] { 1, 1, 5, 5, 3, 3, 3, 3, 1, 1, 2, 2, 1 },    // dilation + padding + ceil (max only)
        new[] { 1, 2, 5, 5, 2, 3, 3, 2, 1, 1, 1, 1, 1 },    // non-square window and stride
        new[] { 2, 2, 11, 4, 3, 3, 1, 1, 1, 1, 1, 1, 0 },
    };

    private static Pool2dGeometry Make(int[] p) =>
        new(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12] != 0);

    /// <summary>Values from a small set so windows contain ties; ties must resolve to the first element.</summary>
    private static double[] Coarse(int length, int seed)
    {
        var rng = new System.Random(seed);
        var a = new double[length];
        for (int i = 0; i < a.Length; i++) a[i] = rng.Next(-3, 4) * 0.5;
        return a;
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MaxPoolMatchesReference(int[] p)
    {
        var g = Make(p);
        double[] x = Coarse(g.InputLength, 1);
        var (want, wantIdx) = PoolReference.MaxForward(g, x);

        var y = new float[g.OutputLength];
        var idx = new long[g.OutputLength];
        MaxPool2d.Forward(g, ConvReference.ToFloat(x), y, idx);
        Assert.Equal(wantIdx, idx);
        Assert.Equal(ConvReference.ToFloat(want), y);

        var yd = new double[g.OutputLength];
        var idxd = new long[g.OutputLength];
        MaxPool2d.Forward(g, x, yd, idxd);
        Assert.Equal(want, yd);
        Assert.Equal(wantIdx, idxd);

        var yNoIdx = new float[g.OutputLength];
        MaxPool2d.Forward(g, ConvReference.ToFloat(x), yNoIdx, default);
        Assert.Equal(y, yNoIdx);

        // Backward: exact, since each input element receives a sum of a few dy values in output order.
        double[] dy = Coarse(g.OutputLength, 2);
        double[] dxWant = PoolReference.MaxBackward(g, dy, wantIdx);
        var dx = new float[g.InputLength];
        dx.AsSpan().Fill(float.NaN);
        MaxPool2d.Backward(g, ConvReference.ToFloat(dy), idx, dx);
        Assert.Equal(ConvReference.ToFloat(dxWant), dx);
        var dxd = new double[g.InputLength];
        MaxPool2d.Backward(g, dy, idx, dxd);
        Assert.Equal(dxWant, dxd);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void AvgPoolMatchesReference(int[] p)
    {
        var g = Make(p);
        if (g.DilationH != 1 || g.DilationW != 1) return; // avg_pool2d has no dilation
        double[] x = ConvReference.Random(g.InputLength, 3), dy = ConvReference.Random(g.OutputLength, 4);
        foreach (var (includePad, divisor) in new[] { (true, (int?)null), (false, null), (true, 5), (false, 3) })
        {
            string what = $"(includePad={includePad}, divisor={divisor})";
            double[] want = PoolReference.AvgForward(g, x, includePad, divisor);
            var y = new float[g.OutputLength];
            y.AsSpan().Fill(float.NaN);
            AvgPool2d.Forward(g, ConvReference.ToFloat(x), y, includePad, divisor);
            AssertClose(want, y, 1e-6, "y" + what);
            var yd = new double[g.OutputLength];
            AvgPool2d.Forward(g, x, yd, includePad, divisor);
            AssertClose(want, yd, 1e-14, "y(double)" + what);

            double[] dxWant = PoolReference.AvgBackward(g, dy, includePad, divisor);
            var dx = new float[g.InputLength];
            dx.AsSpan().Fill(float.NaN);
            AvgPool2d.Backward(g, ConvReference.ToFloat(dy), dx, includePad, divisor);
            AssertClose(dxWant, dx, 1e-6, "dx" + what);
            var dxd = new double[g.InputLength];
            AvgPool2d.Backward(g, dy, dxd, includePad, divisor);
            AssertClose(dxWant, dxd, 1e-14, "dx(double)" + what);
        }
    }

    [Theory]
    [InlineData(2, 3, 7, 7, 3, 3)]
    [InlineData(1, 2, 5, 5, 3, 2)]   // overlapping bins
    [InlineData(1, 1, 10, 6, 4, 4)]
    [InlineData(2, 1, 3, 4, 5, 7)]   // output larger than input
    [InlineData(1, 2, 6, 6, 1, 1)]   // global average
    [InlineData(1, 1, 13, 11, 13, 11)] // identity
    public void AdaptiveAvgPoolMatchesReference(int n, int c, int h, int w, int outH, int outW)
    {
        double[] x = ConvReference.Random(n * c * h * w, 5), dy = ConvReference.Random(n * c * outH * outW, 6);
        double[] want = PoolReference.AdaptiveForward(n, c, h, w, outH, outW, x);
        var y = new float[want.Length];
        y.AsSpan().Fill(float.NaN);
        AdaptiveAvgPool2d.Forward(n, c, h, w, outH, outW, ConvReference.ToFloat(x), y);
        AssertClose(want, y, 1e-6, "y");
        var yd = new double[want.Length];
        AdaptiveAvgPool2d.Forward(n, c, h, w, outH, outW, x, yd);
        AssertClose(want, yd, 1e-14, "y(double)");

        double[] dxWant = PoolReference.AdaptiveBackward(n, c, h, w, outH, outW, dy);
        var dx = new float[x.Length];
        dx.AsSpan().Fill(float.NaN);
        AdaptiveAvgPool2d.Backward(n, c, h, w, outH, outW, ConvReference.ToFloat(dy), dx);
        AssertClose(dxWant, dx, 1e-6, "dx");
        var dxd = new double[x.Length];
        AdaptiveAvgPool2d.Backward(n, c, h, w, outH, outW, dy, dxd);
        AssertClose(dxWant, dxd, 1e-14, "dx(double)");
    }

    /// <summary>The 5x5 example, with expected values printed by PyTorch 1.13.</summary>
    private static readonly float[] Example =
    [
        0, 7, 3, 10, 6,
        2, 9, 5, 1, 8,
        4, 0, 7, 3, 10,
        6, 2, 9, 5, 1,
        8, 4, 0, 7, 4,
    ];

    [Fact]
    public void MatchesPyTorchOnCeilModeExample()
    {
        // F.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True)
        var g = new Pool2dGeometry(1, 1, 5, 5, 3, 3, 2, 2, 1, 1, ceilMode: true);
        var y = new float[9];
        var idx = new long[9];
        MaxPool2d.Forward(g, Example, y, idx);
        Assert.Equal([9, 10, 10, 9, 9, 10, 8, 9, 7], y);
        Assert.Equal([6, 3, 3, 6, 6, 14, 20, 17, 23], idx);

        // F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False / True)
        AvgPool2d.Forward(g, Example, y, countIncludePad: false);
        AssertClose([4.5, 5.8333333, 6.25, 3.8333333, 4.5555556, 4.6666667, 5.0, 4.5, 4.25], y, 1e-6, "exclude pad");
        AvgPool2d.Forward(g, Example, y, countIncludePad: true);
        AssertClose([2.0, 3.8888889, 2.7777778, 2.5555556, 4.5555556, 3.1111111, 2.2222222, 3.0, 1.8888889], y, 1e-6, "include pad");

        // F.avg_pool2d(x, (2,3), (3,2), (1,1), ceil_mode=True): the third row of windows is dropped by the ceil rule.
        var g2 = new Pool2dGeometry(1, 1, 5, 5, 2, 3, 3, 2, 1, 1, ceilMode: true);
        Assert.Equal((2, 3), (g2.OutH, g2.OutW));
        var y2 = new float[6];
        AvgPool2d.Forward(g2, Example, y2);
        AssertClose([1.1666667, 3.3333333, 2.6666667, 2.0, 4.3333333, 3.1666667], y2, 1e-6, "2x3 window");

        // F.adaptive_avg_pool2d(x, (3, 2))
        var y3 = new float[6];
        AdaptiveAvgPool2d.Forward(1, 1, 5, 5, 3, 2, Example, y3);
        AssertClose([4.3333333, 5.5, 4.8888889, 5.4444444, 4.8333333, 4.3333333], y3, 1e-6, "adaptive");
    }

    [Theory]
    // size, kernel, stride, pad, dilation, ceil, PyTorch's output size
    [InlineData(5, 2, 2, 0, 1, true, 3)]
    [InlineData(5, 2, 2, 1, 1, true, 3)]
    [InlineData(6, 3, 2, 1, 1, true, 4)]
    [InlineData(7, 3, 3, 1, 1, true, 3)]
    [InlineData(4, 3, 2, 1, 1, true, 3)]
    [InlineData(5, 3, 3, 1, 2, true, 2)]
    [InlineData(5, 3, 3, 1, 2, false, 1)]
    [InlineData(10, 4, 3, 2, 1, true, 4)]
    [InlineData(10, 4, 3, 2, 1, false, 4)]
    [InlineData(2, 2, 2, 1, 1, true, 2)]
    [InlineData(3, 2, 2, 1, 1, true, 2)]
    [InlineData(1, 1, 2, 0, 1, true, 1)]
    [InlineData(6, 2, 4, 1, 1, true, 2)]
    [InlineData(9, 3, 2, 0, 2, true, 3)]
    public void OutputSizeMatchesPyTorch(int size, int k, int s, int p, int d, bool ceil, int expected)
    {
        var g = new Pool2dGeometry(1, 1, size, size + 1, k, k, s, s, p, p, d, d, ceil);
        Assert.Equal(expected, g.OutH);
    }

    [Fact]
    public void StrideDefaultsToKernel()
    {
        var g = new Pool2dGeometry(1, 1, 28, 28, 2, 3);
        Assert.Equal((2, 3, 14, 9), (g.StrideH, g.StrideW, g.OutH, g.OutW));
    }

    [Fact]
    public void MaxPoolPropagatesNaNAndHandlesMinusInfinity()
    {
        var g = new Pool2dGeometry(1, 1, 2, 4, 2, 2);
        float[] x = [float.NegativeInfinity, float.NegativeInfinity, 1, float.NaN,
                     float.NegativeInfinity, float.NegativeInfinity, float.NaN, 5];
        var y = new float[2];
        var idx = new long[2];
        MaxPool2d.Forward(g, x, y, idx);
        Assert.Equal(float.NegativeInfinity, y[0]);
        Assert.Equal(0, idx[0]); // all −∞: the first element of the window, as PyTorch
        Assert.True(float.IsNaN(y[1]));
        Assert.Equal(6, idx[1]); // the last NaN in window order wins, as PyTorch's (v > max || isnan(v))
    }

    [Theory]
    [InlineData(2, 2, 1, 2, 1, "padding 2x2 must be at most half of kernel 2x2")]
    [InlineData(2, 0, 1, 0, 1, "kernel height 0 must be positive")]
    [InlineData(1, 3, 1, 0, 1, "output size -1x")]
    [InlineData(3, 2, -1, 0, 1, "stride height -1 must be positive")]
    [InlineData(3, 2, 1, 0, 0, "dilation height 0 must be positive")]
    public void GeometryRejectsBadValues(int size, int k, int s, int p, int d, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Pool2dGeometry(1, 1, size, size, k, k, s, s, p, p, d, d));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void AvgPoolRejectsDilationAndZeroDivisor()
    {
        var g = new Pool2dGeometry(1, 1, 5, 5, 2, 2, dilationH: 2, dilationW: 2);
        var ex = Assert.Throws<ArgumentException>(() => AvgPool2d.Forward(g, new float[25], new float[g.OutputLength]));
        Assert.Contains("dilation 2x2", ex.Message);
        var g1 = new Pool2dGeometry(1, 1, 5, 5, 2, 2);
        ex = Assert.Throws<ArgumentException>(() => AvgPool2d.Forward(g1, new float[25], new float[4], divisorOverride: 0));
        Assert.Contains("divisorOverride 0", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => MaxPool2d.Forward(g1, new float[24], new float[4], default));
        Assert.Contains("input has 24 elements, expected 25", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => AdaptiveAvgPool2d.Forward(1, 1, 5, 5, 0, 2, new float[25], new float[0]));
        Assert.Contains("output height 0", ex.Message);
    }

    [Fact]
    public void LinearPoolGradientsMatchFiniteDifferences()
    {
        // Avg and adaptive pooling are linear: the gradient of Σ r·y is exact under central differences up to rounding.
        var g = new Pool2dGeometry(1, 2, 5, 6, 3, 2, 2, 3, 1, 1, ceilMode: true);
        double[] x = ConvReference.Random(g.InputLength, 7), r = ConvReference.Random(g.OutputLength, 8);
        var dx = new double[x.Length];
        AvgPool2d.Backward(g, r, dx, countIncludePad: false);
        var y = new double[g.OutputLength];
        CheckFd(x, dx, () => { AvgPool2d.Forward(g, x, y, countIncludePad: false); return Dot(r, y); });

        double[] r2 = ConvReference.Random(2 * 4 * 4, 9);
        var dx2 = new double[x.Length];
        AdaptiveAvgPool2d.Backward(1, 2, 5, 6, 4, 4, r2, dx2);
        var y2 = new double[r2.Length];
        CheckFd(x, dx2, () => { AdaptiveAvgPool2d.Forward(1, 2, 5, 6, 4, 4, x, y2); return Dot(r2, y2); });
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static void CheckFd(double[] x, double[] grad, Func<double> loss)
    {
        const double h = 1e-3;
        for (int i = 0; i < x.Length; i++)
        {
            double keep = x[i];
            x[i] = keep + h;
            double up = loss();
            x[i] = keep - h;
            double down = loss();
            x[i] = keep;
            double fd = (up - down) / (2 * h);
            Assert.True(Math.Abs(fd - grad[i]) <= 1e-9, $"[{i}]: analytic {grad[i]}, finite difference {fd}");
        }
    }

    private static void AssertClose(ReadOnlySpan<double> want, ReadOnlySpan<float> got, double tol, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
            if (!(Math.Abs(got[i] - want[i]) <= tol * Math.Max(1, Math.Abs(want[i]))))
                Assert.Fail($"{what}[{i}]: got {got[i]}, want {want[i]}");
    }

    private static void AssertClose(ReadOnlySpan<double> want, ReadOnlySpan<double> got, double tol, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
            if (!(Math.Abs(got[i] - want[i]) <= tol * Math.Max(1, Math.Abs(want[i]))))
                Assert.Fail($"{what}[{i}]: got {got[i]}, want {want[i]}");
    }
}
