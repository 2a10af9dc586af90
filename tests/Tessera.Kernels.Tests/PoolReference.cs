using Tessera.Kernels.Pool;

namespace Tessera.Kernels.Tests;

/// <summary>Pooling straight from PyTorch's definitions, one output element at a time, in double.</summary>
internal static class PoolReference
{
    public static (double[] Y, long[] Idx) MaxForward(Pool2dGeometry g, double[] x)
    {
        var y = new double[g.OutputLength];
        var idx = new long[g.OutputLength];
        for (int p = 0; p < g.N * g.C; p++)
        for (int oh = 0; oh < g.OutH; oh++)
        for (int ow = 0; ow < g.OutW; ow++)
        {
            double max = double.NegativeInfinity;
            long arg = -1;
            for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
            {
                int ih = oh * g.StrideH - g.PadH + kh * g.DilationH;
                int iw = ow * g.StrideW - g.PadW + kw * g.DilationW;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                double v = x[(p * g.H + ih) * g.W + iw];
                if (arg < 0 || v > max || double.IsNaN(v))
                {
                    max = v;
                    arg = ih * g.W + iw;
                }
            }
            int o = (p * g.OutH + oh) * g.OutW + ow;
            y[o] = max;
            idx[o] = arg;
        }
        return (y, idx);
    }

    public static double[] MaxBackward(Pool2dGeometry g, double[] dy, long[] idx)
    {
        var dx = new double[g.InputLength];
        int outPlane = g.OutH * g.OutW;
        for (int o = 0; o < dy.Length; o++) dx[o / outPlane * g.H * g.W + idx[o]] += dy[o];
        return dx;
    }

    /// <summary>Visits every (output index, input index, 1/divisor) term of average pooling.</summary>
    private static void AvgTerms(Pool2dGeometry g, bool countIncludePad, int? divisorOverride, Action<int, int, double> term)
    {
        for (int p = 0; p < g.N * g.C; p++)
        for (int oh = 0; oh < g.OutH; oh++)
        for (int ow = 0; ow < g.OutW; ow++)
        {
            // Window rows/cols counted towards the divisor: inside input + padding, i.e. in [−pad, size + pad).
            int padded = 0, real = 0;
            for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
            {
                int ih = oh * g.StrideH - g.PadH + kh, iw = ow * g.StrideW - g.PadW + kw;
                if (ih < g.H + g.PadH && iw < g.W + g.PadW) padded++;
                if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) real++;
            }
            if (real == 0) continue;
            double divisor = divisorOverride ?? (countIncludePad ? padded : real);
            for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
            {
                int ih = oh * g.StrideH - g.PadH + kh, iw = ow * g.StrideW - g.PadW + kw;
                if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W)
                    term((p * g.OutH + oh) * g.OutW + ow, (p * g.H + ih) * g.W + iw, 1 / divisor);
            }
        }
    }

    public static double[] AvgForward(Pool2dGeometry g, double[] x, bool countIncludePad, int? divisorOverride)
    {
        var y = new double[g.OutputLength];
        AvgTerms(g, countIncludePad, divisorOverride, (o, i, s) => y[o] += x[i] * s);
        return y;
    }

    public static double[] AvgBackward(Pool2dGeometry g, double[] dy, bool countIncludePad, int? divisorOverride)
    {
        var dx = new double[g.InputLength];
        AvgTerms(g, countIncludePad, divisorOverride, (o, i, s) => dx[i] += dy[o] * s);
        return dx;
    }

    /// <summary>Bins as PyTorch documents them: [floor(i·H/OH), ceil((i+1)·H/OH)), computed in floating point.</summary>
    private static void AdaptiveTerms(int n, int c, int h, int w, int outH, int outW, Action<int, int, double> term)
    {
        for (int p = 0; p < n * c; p++)
        for (int oh = 0; oh < outH; oh++)
        for (int ow = 0; ow < outW; ow++)
        {
            int hs = (int)Math.Floor(oh * (double)h / outH), he = (int)Math.Ceiling((oh + 1) * (double)h / outH);
            int ws = (int)Math.Floor(ow * (double)w / outW), we = (int)Math.Ceiling((ow + 1) * (double)w / outW);
            double s = 1.0 / ((he - hs) * (we - ws));
            for (int ih = hs; ih < he; ih++)
            for (int iw = ws; iw < we; iw++)
                term((p * outH + oh) * outW + ow, (p * h + ih) * w + iw, s);
        }
    }

    public static double[] AdaptiveForward(int n, int c, int h, int w, int outH, int outW, double[] x)
    {
        var y = new double[n * c * outH * outW];
        AdaptiveTerms(n, c, h, w, outH, outW, (o, i, s) => y[o] += x[i] * s);
        return y;
    }

    public static double[] AdaptiveBackward(int n, int c, int h, int w, int outH, int outW, double[] dy)
    {
        var dx = new double[n * c * h * w];
        AdaptiveTerms(n, c, h, w, outH, outW, (o, i, s) => dx[i] += dy[o] * s);
        return dx;
    }
}
