using Tessera.Kernels.Reduce;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Reduce;

public class AxisReductionTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 1, 100003, 1 }, { 3, 1000, 1 }, { 1000, 17, 1 }, { 2, 5, 3 }, { 4, 33, 17 }, { 3, 100, 64 },
        { 2, 50, 100 }, { 1, 3000, 200 }, { 5, 1, 7 }, { 2, 70000, 2 }, { 1, 2, 40000 }, { 7, 129, 16 },
    };

    private static double At(double[] x, int reduce, int inner, int o, int r, int j) => x[((long)o * reduce + r) * inner + j] is var v ? v : 0;

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SumMeanSquaresMaxMinMatchLoops(int outer, int reduce, int inner)
    {
        float[] xf = TestData.Uniform<float>(outer * reduce * inner, -2, 3, outer + reduce + inner);
        double[] x = TestData.ToDouble(xf);
        int m = outer * inner;
        float[] sum = new float[m], mean = new float[m], sq = new float[m], max = new float[m], min = new float[m];
        AxisReductions.Sum<float>(xf, outer, reduce, inner, sum);
        AxisReductions.Mean<float>(xf, outer, reduce, inner, mean);
        AxisReductions.SumOfSquares<float>(xf, outer, reduce, inner, sq);
        AxisReductions.Max<float>(xf, outer, reduce, inner, max);
        AxisReductions.Min<float>(xf, outer, reduce, inner, min);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                double s = 0, a = 0, q = 0, mx = double.NegativeInfinity, mn = double.PositiveInfinity;
                for (int r = 0; r < reduce; r++)
                {
                    double v = At(x, reduce, inner, o, r, j);
                    s += v; a += Math.Abs(v); q += v * v; mx = Math.Max(mx, v); mn = Math.Min(mn, v);
                }
                int k = o * inner + j;
                KernelAssert.Close(s, sum[k], 0, 1e-6 * a + 1e-30, $"sum[{o},{j}]");
                KernelAssert.Close(s / reduce, mean[k], 0, 1e-6 * a / reduce, $"mean[{o},{j}]");
                KernelAssert.Close(q, sq[k], 1e-6, 0, $"sumsq[{o},{j}]");
                Assert.Equal((float)mx, max[k]);
                Assert.Equal((float)mn, min[k]);
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ArgMaxArgMinWithTiesMatchLoops(int outer, int reduce, int inner)
    {
        // Integers in a small range force many ties; the first index must win.
        var rnd = new Random(outer * 31 + reduce);
        double[] x = new double[outer * reduce * inner];
        for (int i = 0; i < x.Length; i++) x[i] = rnd.Next(-4, 5);
        int m = outer * inner;
        long[] amax = new long[m], amin = new long[m];
        double[] vmax = new double[m], vmin = new double[m];
        AxisReductions.ArgMax<double>(x, outer, reduce, inner, amax);
        AxisReductions.ArgMin<double>(x, outer, reduce, inner, amin);
        AxisReductions.MaxWithIndex<double>(x, outer, reduce, inner, vmax, amax);
        AxisReductions.MinWithIndex<double>(x, outer, reduce, inner, vmin, amin);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int bi = 0, si = 0;
                for (int r = 1; r < reduce; r++)
                {
                    if (At(x, reduce, inner, o, r, j) > At(x, reduce, inner, o, bi, j)) bi = r;
                    if (At(x, reduce, inner, o, r, j) < At(x, reduce, inner, o, si, j)) si = r;
                }
                int k = o * inner + j;
                Assert.Equal(bi, amax[k]);
                Assert.Equal(si, amin[k]);
                Assert.Equal(At(x, reduce, inner, o, bi, j), vmax[k]);
                Assert.Equal(At(x, reduce, inner, o, si, j), vmin[k]);
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void VarianceStdAndLogSumExpMatchTwoPassLoops(int outer, int reduce, int inner)
    {
        double[] x = TestData.Uniform<double>(outer * reduce * inner, 100, 101, reduce);
        int m = outer * inner;
        double[] var1 = new double[m], var0 = new double[m], std = new double[m], vm = new double[m], mean = new double[m], lse = new double[m];
        AxisReductions.Var<double>(x, outer, reduce, inner, var1);
        AxisReductions.Var<double>(x, outer, reduce, inner, var0, correction: 0);
        AxisReductions.Std<double>(x, outer, reduce, inner, std);
        AxisReductions.VarMean<double>(x, outer, reduce, inner, vm, mean);
        AxisReductions.LogSumExp<double>(x, outer, reduce, inner, lse);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                double s = 0, mx = double.NegativeInfinity;
                for (int r = 0; r < reduce; r++) { s += At(x, reduce, inner, o, r, j); mx = Math.Max(mx, At(x, reduce, inner, o, r, j)); }
                double mu = s / reduce, m2 = 0, e = 0;
                for (int r = 0; r < reduce; r++) { double d = At(x, reduce, inner, o, r, j) - mu; m2 += d * d; e += Math.Exp(At(x, reduce, inner, o, r, j) - mx); }
                int k = o * inner + j;
                double u = reduce > 1 ? m2 / (reduce - 1) : double.NaN;
                KernelAssert.Close(u, var1[k], 1e-9, 1e-15, $"var[{o},{j}]");
                KernelAssert.Close(m2 / reduce, var0[k], 1e-9, 1e-15, $"var0[{o},{j}]");
                KernelAssert.Close(Math.Sqrt(u), std[k], 1e-9, 1e-15, $"std[{o},{j}]");
                KernelAssert.Close(u, vm[k], 1e-9, 1e-15, $"var_mean.var[{o},{j}]");
                KernelAssert.Close(mu, mean[k], 1e-14, 0, $"var_mean.mean[{o},{j}]");
                KernelAssert.Close(mx + Math.Log(e), lse[k], 1e-14, 0, $"logsumexp[{o},{j}]");
            }
    }

    [Theory]
    [InlineData(1, 300, 1000)]   // 300K elements: split over threads, 16 tiles of 64 columns
    [InlineData(3, 40, 83)]      // vector lanes plus a scalar tail per tile
    public void ColumnArgMaxInFloatFindsTheFirstHitIncludingNaN(int outer, int reduce, int inner)
    {
        var rnd = new Random(reduce);
        float[] x = new float[outer * reduce * inner];
        for (int i = 0; i < x.Length; i++) x[i] = rnd.Next(-3, 4);   // many ties
        // A few columns get NaNs (twice, so the first must win); one column is constant.
        foreach (int j in new[] { 0, 17, inner - 1 })
        {
            x[(0 * reduce + reduce / 3) * inner + j] = float.NaN;
            x[(0 * reduce + reduce / 2) * inner + j] = float.NaN;
        }
        for (int r = 0; r < reduce; r++) x[(0 * reduce + r) * inner + 5] = 2f;
        int m = outer * inner;
        var vmax = new float[m]; var amax = new long[m]; var amin = new long[m];
        AxisReductions.MaxWithIndex<float>(x, outer, reduce, inner, vmax, amax);
        AxisReductions.ArgMin<float>(x, outer, reduce, inner, amin);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                long bi = -1, si = -1;
                for (int r = 0; r < reduce && bi < 0; r++)
                    if (float.IsNaN(x[(o * reduce + r) * inner + j])) bi = si = r;
                if (bi < 0)
                {
                    bi = si = 0;
                    for (int r = 1; r < reduce; r++)
                    {
                        float v = x[(o * reduce + r) * inner + j];
                        if (v > x[(o * reduce + bi) * inner + j]) bi = r;
                        if (v < x[(o * reduce + si) * inner + j]) si = r;
                    }
                }
                Assert.True(bi == amax[o * inner + j], $"argmax[{o},{j}] = {amax[o * inner + j]}, expected {bi}");
                Assert.True(si == amin[o * inner + j], $"argmin[{o},{j}] = {amin[o * inner + j]}, expected {si}");
                Assert.Equal(x[(o * reduce + bi) * inner + j], vmax[o * inner + j]);
            }
        Assert.Equal(0, amax[5]);   // the constant column resolves at its first row
    }

    [Fact]
    public void NaNSlicesGiveNaNAndTheFirstNaNIndex()
    {
        // (outer 2, reduce 4, inner 3); column j=1 of outer 0 holds NaNs at r=1 and r=3.
        double[] x = new double[24];
        for (int i = 0; i < 24; i++) x[i] = i % 5;
        x[(0 * 4 + 1) * 3 + 1] = double.NaN;
        x[(0 * 4 + 3) * 3 + 1] = double.NaN;
        var max = new double[6]; var idx = new long[6];
        AxisReductions.MaxWithIndex<double>(x, 2, 4, 3, max, idx);
        Assert.True(double.IsNaN(max[1]));
        Assert.Equal(1, idx[1]);
        Assert.False(double.IsNaN(max[0]));
        AxisReductions.ArgMin<double>(x, 2, 4, 3, idx);
        Assert.Equal(1, idx[1]);
        // Row path (inner 1).
        double[] rows = [1, double.NaN, 3, double.NaN, 2, 2, 0, 7];
        var rmax = new double[2]; var ridx = new long[2];
        AxisReductions.MaxWithIndex<double>(rows, 2, 4, 1, rmax, ridx);
        Assert.True(double.IsNaN(rmax[0]));
        Assert.Equal(1, ridx[0]);
        Assert.Equal(7, rmax[1]);
        Assert.Equal(3, ridx[1]);
    }

    [Fact]
    public void LogSumExpHandlesInfiniteSlices()
    {
        float ni = float.NegativeInfinity, pi = float.PositiveInfinity;
        float[] x = [ni, ni, ni, 0, ni, 0, pi, 1, 1, float.NaN, 0, 0];
        var r = new float[4];
        AxisReductions.LogSumExp<float>(x, 4, 3, 1, r);
        Assert.Equal(ni, r[0]);                                     // all -inf
        KernelAssert.Close(Math.Log(2), r[1], 1e-7, 0, "two zeros");  // -inf ignored
        Assert.Equal(pi, r[2]);
        Assert.True(float.IsNaN(r[3]));
        var e = new float[3];
        AxisReductions.LogSumExp<float>([], 1, 0, 3, e);
        Assert.All(e, v => Assert.Equal(ni, v));
    }

    [Fact]
    public void EdgeShapes()
    {
        var s = new float[3];
        AxisReductions.Sum<float>([], 1, 0, 3, s);
        Assert.All(s, v => Assert.Equal(0f, v));
        AxisReductions.Mean<float>([], 1, 0, 3, s);
        Assert.All(s, v => Assert.True(float.IsNaN(v)));
        Assert.Throws<ArgumentException>(() => AxisReductions.Max<float>([], 1, 0, 3, s));
        Assert.Throws<ArgumentException>(() => AxisReductions.Sum<float>(new float[5], 1, 2, 3, s));
        var v1 = new float[2];
        AxisReductions.Var<float>([1, 2], 2, 1, 1, v1);           // one value per slice, unbiased: NaN as PyTorch
        Assert.All(v1, v => Assert.True(float.IsNaN(v)));
        AxisReductions.Var<float>([1, 3], 1, 2, 1, v1.AsSpan(0, 1), correction: 3); // dof clamps to 0: 2/0
        Assert.Equal(float.PositiveInfinity, v1[0]);
    }
}
