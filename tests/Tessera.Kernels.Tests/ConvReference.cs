using Tessera.Kernels.Conv;

namespace Tessera.Kernels.Tests;

/// <summary>Plain nested-loop conv2d straight from the definition, in double, plus its adjoints as scatter loops.</summary>
internal static class ConvReference
{
    /// <summary>Returns y and, per output, Σ|terms| (to scale float tolerances).</summary>
    public static (double[] Y, double[] Abs) Forward(Conv2dGeometry g, double[] x, double[] w, double[]? b)
    {
        var y = new double[g.OutputLength];
        var abs = new double[g.OutputLength];
        int cinG = g.Cin / g.Groups, coutG = g.Cout / g.Groups;
        for (int n = 0; n < g.N; n++)
        for (int co = 0; co < g.Cout; co++)
        for (int oh = 0; oh < g.OutH; oh++)
        for (int ow = 0; ow < g.OutW; ow++)
        {
            double acc = b?[co] ?? 0, a = Math.Abs(b?[co] ?? 0);
            int grp = co / coutG;
            for (int ci = 0; ci < cinG; ci++)
            for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
            {
                int ih = oh * g.StrideH - g.PadH + kh * g.DilationH;
                int iw = ow * g.StrideW - g.PadW + kw * g.DilationW;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                double t = x[((n * g.Cin + grp * cinG + ci) * g.H + ih) * g.W + iw] * w[((co * cinG + ci) * g.KH + kh) * g.KW + kw];
                acc += t;
                a += Math.Abs(t);
            }
            int o = ((n * g.Cout + co) * g.OutH + oh) * g.OutW + ow;
            y[o] = acc;
            abs[o] = a;
        }
        return (y, abs);
    }

    /// <summary>dx, dw, db by scattering every forward term's contribution; also Σ|terms| per element of dx and dw.</summary>
    public static (double[] Dx, double[] Dw, double[] Db, double[] DxAbs, double[] DwAbs) Backward(
        Conv2dGeometry g, double[] x, double[] w, double[] dy)
    {
        var dx = new double[g.InputLength];
        var dw = new double[g.WeightLength];
        var db = new double[g.Cout];
        var dxAbs = new double[g.InputLength];
        var dwAbs = new double[g.WeightLength];
        int cinG = g.Cin / g.Groups, coutG = g.Cout / g.Groups;
        for (int n = 0; n < g.N; n++)
        for (int co = 0; co < g.Cout; co++)
        for (int oh = 0; oh < g.OutH; oh++)
        for (int ow = 0; ow < g.OutW; ow++)
        {
            double gy = dy[((n * g.Cout + co) * g.OutH + oh) * g.OutW + ow];
            db[co] += gy;
            int grp = co / coutG;
            for (int ci = 0; ci < cinG; ci++)
            for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
            {
                int ih = oh * g.StrideH - g.PadH + kh * g.DilationH;
                int iw = ow * g.StrideW - g.PadW + kw * g.DilationW;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                int xi = ((n * g.Cin + grp * cinG + ci) * g.H + ih) * g.W + iw;
                int wi = ((co * cinG + ci) * g.KH + kh) * g.KW + kw;
                dx[xi] += w[wi] * gy;
                dxAbs[xi] += Math.Abs(w[wi] * gy);
                dw[wi] += x[xi] * gy;
                dwAbs[wi] += Math.Abs(x[xi] * gy);
            }
        }
        return (dx, dw, db, dxAbs, dwAbs);
    }

    public static double[] Random(int length, int seed)
    {
        var rng = new System.Random(seed);
        var a = new double[length];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() * 2 - 1;
        return a;
    }

    public static float[] ToFloat(double[] a) => Array.ConvertAll(a, v => (float)v);

    /// <summary>Asserts |got − want| ≤ rel·scale + abs elementwise, naming the first bad index.</summary>
    public static void AssertClose(ReadOnlySpan<double> want, ReadOnlySpan<double> scale, ReadOnlySpan<float> got, double rel, double abs, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
        {
            double tol = rel * scale[i] + abs;
            if (!(Math.Abs(got[i] - want[i]) <= tol))
                Assert.Fail($"{what}[{i}]: got {got[i]}, want {want[i]} (tol {tol})");
        }
    }

    public static void AssertClose(ReadOnlySpan<double> want, ReadOnlySpan<double> scale, ReadOnlySpan<double> got, double rel, double abs, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
        {
            double tol = rel * scale[i] + abs;
            if (!(Math.Abs(got[i] - want[i]) <= tol))
                Assert.Fail($"{what}[{i}]: got {got[i]}, want {want[i]} (tol {tol})");
        }
    }
}
