using Tessera.Kernels.Conv;

namespace Tessera.Kernels.Tests;

// One collection, so these classes never start parallel regions from two threads at once: ParallelRuntime at
// 0c66a79 can hang when that happens (a worker signalled twice runs only the newer job).
[Collection("Tessera.Kernels.Conv")]
public class Conv2dTests
{
    // Float results against the double reference: error ≤ Rel·Σ|terms| + Abs (K ≤ ~200 terms, float eps 1.2e-7).
    private const double Rel = 2e-6, Abs = 1e-6;

    // n, cin, h, w, cout, kh, kw, sh, sw, ph, pw, dh, dw, groups
    public static TheoryData<int[]> Geometries() => new()
    {
        new[] { 2, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 1, 1, 1 },   // LeNet conv1
        new[] { 3, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 1, 1, 1 },  // LeNet conv2
        new[] { 1, 3, 7, 7, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1 },
        new[] { 2, 3, 8, 9, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1 },
        new[] { 3, 4, 9, 7, 6, 3, 2, 1, 2, 2, 1, 1, 1, 2 },     // groups 2, non-square kernel
        new[] { 2, 4, 10, 10, 4, 3, 3, 1, 1, 2, 2, 2, 2, 4 },   // depthwise, dilation 2
        new[] { 2, 4, 11, 9, 8, 3, 3, 2, 1, 1, 1, 1, 2, 4 },    // depthwise with multiplier 2
        new[] { 2, 8, 5, 5, 6, 1, 1, 1, 1, 0, 0, 1, 1, 1 },     // pointwise
        new[] { 3, 8, 5, 3, 6, 1, 1, 1, 1, 0, 0, 1, 1, 2 },     // pointwise, groups 2
        new[] { 2, 4, 7, 7, 3, 1, 1, 2, 2, 0, 0, 1, 1, 1 },     // 1x1 stride 2
        new[] { 1, 2, 4, 5, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1 },     // 1x1 padding 1
        new[] { 1, 2, 3, 3, 2, 5, 5, 1, 1, 1, 1, 1, 1, 1 },     // kernel = padded input: 1x1 output
        new[] { 2, 3, 12, 12, 5, 3, 3, 1, 1, 0, 0, 2, 2, 1 },   // dilation 2
        new[] { 3, 2, 13, 11, 3, 4, 3, 3, 2, 1, 0, 1, 1, 1 },   // stride 3x2, odd sizes
        new[] { 1, 2, 6, 9, 3, 1, 5, 1, 1, 0, 2, 1, 1, 1 },     // 1x5 kernel
        new[] { 2, 2, 9, 9, 2, 2, 2, 3, 3, 0, 0, 1, 1, 1 },     // stride beyond kernel
        new[] { 2, 6, 8, 8, 9, 3, 3, 2, 2, 2, 0, 1, 3, 3 },     // groups 3, padding only vertical, dilation 1x3
        new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1 },     // scalar
        new[] { 2, 3, 5, 5, 2, 3, 3, 1, 1, 2, 2, 1, 1, 1 },     // padding 2 with 3x3: output larger than input
        // Enough output channels per group for the vectorised-over-channels weight gradient:
        new[] { 2, 4, 9, 8, 24, 3, 3, 2, 2, 1, 1, 1, 1, 2 },    // 12 per group, stride 2, groups 2
        new[] { 2, 3, 10, 11, 16, 3, 2, 1, 1, 1, 2, 2, 1, 1 },  // dilation 2x1, padding 1x2
        new[] { 1, 2, 7, 7, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1 },    // 24 channels: a 16-wide block and an 8-wide tail
        new[] { 3, 6, 6, 6, 40, 1, 3, 1, 1, 0, 1, 1, 1, 2 },    // 20 per group, 1x3 kernel
        new[] { 2, 3, 6, 5, 4, 3, 1, 1, 1, 1, 0, 1, 1, 1 },     // 3x1 kernel: every stride-1 output column is real
        new[] { 2, 8, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1 },  // a typical 3x3 same-padding layer
    };

    private static Conv2dGeometry Make(int[] p) =>
        new(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13]);

    // Runs each check on the default (fastest) paths and again with every product on Sgemm via im2col.
    // Tests in one class run one after another, and no other class touches the hook.
    private static void BothPaths(Action check)
    {
        check();
        ConvGemm.DisableDirectPaths = true;
        try { check(); }
        finally { ConvGemm.DisableDirectPaths = false; }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ForwardMatchesReference(int[] p) => BothPaths(() => ForwardCheck(p));

    private static void ForwardCheck(int[] p)
    {
        var g = Make(p);
        double[] x = ConvReference.Random(g.InputLength, 1), w = ConvReference.Random(g.WeightLength, 2), b = ConvReference.Random(g.Cout, 3);
        foreach (bool withBias in new[] { true, false })
        {
            var (want, scale) = ConvReference.Forward(g, x, w, withBias ? b : null);
            var y = new float[g.OutputLength];
            y.AsSpan().Fill(float.NaN); // the output must be fully overwritten
            Conv2d.Forward(g, ConvReference.ToFloat(x), ConvReference.ToFloat(w), withBias ? ConvReference.ToFloat(b) : default, y);
            ConvReference.AssertClose(want, scale, y, Rel, Abs, $"y(bias={withBias})");

            var yd = new double[g.OutputLength];
            Conv2d.Forward(g, x, w, withBias ? b : default, yd);
            ConvReference.AssertClose(want, scale, yd, 1e-13, 1e-15, "y(double)");
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void BackwardMatchesReference(int[] p) => BothPaths(() => BackwardCheck(p));

    private static void BackwardCheck(int[] p)
    {
        var g = Make(p);
        double[] x = ConvReference.Random(g.InputLength, 4), w = ConvReference.Random(g.WeightLength, 5), dy = ConvReference.Random(g.OutputLength, 6);
        var (dxWant, dwWant, dbWant, dxAbs, dwAbs) = ConvReference.Backward(g, x, w, dy);
        var dbAbs = new double[g.Cout];
        for (int i = 0; i < dy.Length; i++) dbAbs[i / (g.OutH * g.OutW) % g.Cout] += Math.Abs(dy[i]);

        float[] xf = ConvReference.ToFloat(x), wf = ConvReference.ToFloat(w), dyf = ConvReference.ToFloat(dy);
        var dx = Filled(g.InputLength);
        var dw = Filled(g.WeightLength);
        var db = Filled(g.Cout);
        Conv2d.Backward(g, xf, wf, dyf, dx, dw, db);
        ConvReference.AssertClose(dxWant, dxAbs, dx, Rel, Abs, "dx");
        ConvReference.AssertClose(dwWant, dwAbs, dw, Rel, Abs, "dw");
        ConvReference.AssertClose(dbWant, dbAbs, db, Rel, Abs, "db");

        // Each gradient alone, with the inputs it does not need left empty: same bits as computed together.
        var dx1 = Filled(g.InputLength);
        Conv2d.Backward(g, default, wf, dyf, dx1, default, default);
        Assert.Equal(dx, dx1);
        var dw1 = Filled(g.WeightLength);
        Conv2d.Backward(g, xf, default, dyf, default, dw1, default);
        Assert.Equal(dw, dw1);
        var db1 = Filled(g.Cout);
        Conv2d.Backward(g, default, default, dyf, default, default, db1);
        Assert.Equal(db, db1);

        var dxd = new double[g.InputLength];
        var dwd = new double[g.WeightLength];
        var dbd = new double[g.Cout];
        Conv2d.Backward(g, x, w, dy, dxd, dwd, dbd);
        ConvReference.AssertClose(dxWant, dxAbs, dxd, 1e-13, 1e-15, "dx(double)");
        ConvReference.AssertClose(dwWant, dwAbs, dwd, 1e-13, 1e-15, "dw(double)");
        ConvReference.AssertClose(dbWant, dbAbs, dbd, 1e-13, 1e-15, "db(double)");
    }

    [Theory]
    [InlineData(new[] { 2, 4, 6, 5, 4, 3, 2, 2, 1, 1, 2, 1, 2, 2 })]
    [InlineData(new[] { 1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1 })]
    public void DoubleGradientsMatchFiniteDifferences(int[] p)
    {
        // Checks the kernel (and so the scatter reference) against the definition of a derivative:
        // L = Σ r·y with fixed random r, so dL/dy = r, and central differences are exact up to rounding for a linear map.
        var g = Make(p);
        double[] x = ConvReference.Random(g.InputLength, 7), w = ConvReference.Random(g.WeightLength, 8);
        double[] b = ConvReference.Random(g.Cout, 9), r = ConvReference.Random(g.OutputLength, 10);
        var dx = new double[x.Length];
        var dw = new double[w.Length];
        var db = new double[b.Length];
        Conv2d.Backward(g, x, w, r, dx, dw, db);

        var y = new double[g.OutputLength];
        double Loss()
        {
            Conv2d.Forward(g, x, w, b, y);
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += r[i] * y[i];
            return s;
        }
        void Check(double[] param, double[] grad, string what)
        {
            const double h = 1e-3;
            for (int i = 0; i < param.Length; i++)
            {
                double keep = param[i];
                param[i] = keep + h;
                double up = Loss();
                param[i] = keep - h;
                double down = Loss();
                param[i] = keep;
                double fd = (up - down) / (2 * h);
                Assert.True(Math.Abs(fd - grad[i]) <= 1e-8, $"{what}[{i}]: analytic {grad[i]}, finite difference {fd}");
            }
        }
        Check(x, dx, "dx");
        Check(w, dw, "dw");
        Check(b, db, "db");
    }

    [Fact]
    public void RepeatedRunsAreBitIdentical()
    {
        var g = new Conv2dGeometry(7, 6, 14, 14, 16, 5, 5);
        float[] x = ConvReference.ToFloat(ConvReference.Random(g.InputLength, 11));
        float[] w = ConvReference.ToFloat(ConvReference.Random(g.WeightLength, 12));
        float[] dy = ConvReference.ToFloat(ConvReference.Random(g.OutputLength, 13));
        float[] dw1 = new float[g.WeightLength], dw2 = new float[g.WeightLength];
        float[] dx1 = new float[g.InputLength], dx2 = new float[g.InputLength];
        Conv2d.Backward(g, x, w, dy, dx1, dw1, default);
        Conv2d.Backward(g, x, w, dy, dx2, dw2, default);
        Assert.Equal(dw1, dw2);
        Assert.Equal(dx1, dx2);
    }

    [Fact]
    public void GeometryComputesOutputSize()
    {
        var g = new Conv2dGeometry(64, 1, 28, 28, 6, 5, 5, padH: 2, padW: 2);
        Assert.Equal((28, 28), (g.OutH, g.OutW));
        g = new Conv2dGeometry(1, 3, 10, 9, 4, 3, 2, strideH: 2, strideW: 3, padH: 1, padW: 0, dilationH: 2, dilationW: 1);
        Assert.Equal(((10 + 2 - 4 - 1) / 2 + 1, (9 - 1 - 1) / 3 + 1), (g.OutH, g.OutW));
        Assert.Equal(4 * 3 * 3 * 2, g.WeightLength);
    }

    [Theory]
    [InlineData(1, 5, 8, 8, 4, 3, 3, 1, 0, 1, 2, "input channels 5 not divisible by groups 2")]
    [InlineData(1, 4, 8, 8, 5, 3, 3, 1, 0, 1, 2, "output channels 5 not divisible by groups 2")]
    [InlineData(1, 1, 5, 5, 1, 7, 7, 1, 0, 1, 1, "kernel 7x7 with dilation 1 larger than padded input 5x5")]
    [InlineData(1, 1, 5, 5, 1, 3, 3, 1, 0, 3, 1, "kernel 3x3 with dilation 3 larger than padded input 5x5")]
    [InlineData(1, 1, 5, 5, 1, 3, 3, 0, 0, 1, 1, "stride height 0 must be positive")]
    [InlineData(0, 1, 5, 5, 1, 3, 3, 1, 0, 1, 1, "batch size 0 must be positive")]
    [InlineData(1, 1, 5, 5, 1, 3, 3, 1, -1, 1, 1, "padding -1x-1 must not be negative")]
    [InlineData(1, 1, 5, 5, 1, 3, 3, 1, 0, 0, 1, "dilation height 0 must be positive")]
    public void GeometryRejectsBadValues(int n, int cin, int h, int w, int cout, int kh, int kw, int stride, int pad, int dil, int groups, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new Conv2dGeometry(n, cin, h, w, cout, kh, kw, stride, stride, pad, pad, dil, dil, groups));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void WrongSpanLengthsAreRejected()
    {
        var g = new Conv2dGeometry(2, 3, 5, 5, 4, 3, 3);
        var ex = Assert.Throws<ArgumentException>(() =>
            Conv2d.Forward(g, new float[g.InputLength - 1], new float[g.WeightLength], default, new float[g.OutputLength]));
        Assert.Contains("input has 149 elements, expected 150", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            Conv2d.Forward(g, new float[g.InputLength], new float[g.WeightLength], new float[3], new float[g.OutputLength]));
        Assert.Contains("bias", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            Conv2d.Backward(g, default, default, new float[g.OutputLength], default, new float[g.WeightLength], default));
        Assert.Contains("input has 0 elements", ex.Message);
        Assert.Throws<ArgumentException>(() => Conv2d.Forward(default, new float[1], new float[1], default, new float[1]));
    }

    private static float[] Filled(int n)
    {
        var a = new float[n];
        a.AsSpan().Fill(float.NaN);
        return a;
    }
}
