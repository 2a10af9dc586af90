using Tessera.Kernels.Norm;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Norm;

public class LayerNormTests
{
    public static TheoryData<int, int, bool, bool> Cases() => new()
    {
        { 1, 1, true, true }, { 3, 7, true, true }, { 5, 16, false, false }, { 4, 33, true, false }, { 6, 64, false, true },
        { 1000, 50, true, true }, { 64, 1024, true, true }, { 3, 40000, true, true },
    };

    private static (double[] Y, double[] Mean, double[] Rstd) Reference(double[] x, int rows, int n, double[]? gamma, double[]? beta, double eps)
    {
        var y = new double[x.Length]; var mean = new double[rows]; var rstd = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double m = 0, v = 0;
            for (int j = 0; j < n; j++) m += x[r * n + j];
            m /= n;
            for (int j = 0; j < n; j++) v += (x[r * n + j] - m) * (x[r * n + j] - m);
            double rs = 1 / Math.Sqrt(v / n + eps);
            mean[r] = m; rstd[r] = rs;
            for (int j = 0; j < n; j++) y[r * n + j] = (x[r * n + j] - m) * rs * (gamma?[j] ?? 1) + (beta?[j] ?? 0);
        }
        return (y, mean, rstd);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesReference(int rows, int n, bool affineScale, bool affineShift)
    {
        double[] x = TestData.Uniform<double>(rows * n, 5, 9, rows + n);
        double[]? gamma = affineScale ? TestData.Uniform<double>(n, 0.5, 1.5, 1) : null, beta = affineShift ? TestData.Uniform<double>(n, -1, 1, 2) : null;
        var (ry, rm, rr) = Reference(x, rows, n, gamma, beta, 1e-5);
        var y = new double[x.Length]; var mean = new double[rows]; var rstd = new double[rows];
        LayerNormKernels.Forward<double>(x, rows, n, gamma, beta, 1e-5, y, mean, rstd);
        KernelAssert.Close<double>(ry, y, 1e-11, 1e-11, "y");
        KernelAssert.Close<double>(rm, mean, 1e-14, 0, "mean");
        KernelAssert.Close<double>(rr, rstd, 1e-11, 0, "rstd");
        float[] xf = Array.ConvertAll(x, v => (float)v);
        var yf = new float[x.Length]; var mf = new float[rows]; var rf = new float[rows];
        LayerNormKernels.Forward<float>(xf, rows, n, gamma is null ? default : Array.ConvertAll(gamma, v => (float)v),
            beta is null ? default : Array.ConvertAll(beta, v => (float)v), 1e-5f, yf, mf, rf);
        // Float: inputs of magnitude ~7 with unit spread, so (x - mean) carries ~1e-6 relative error.
        KernelAssert.Close<float>(ry, yf, 2e-5, 2e-5, "y<float>");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(int rows, int n, bool affineScale, bool affineShift)
    {
        double[] x = TestData.Uniform<double>(rows * n, -2, 2, rows), g = TestData.Uniform<double>(rows * n, -1, 1, n);
        double[]? gamma = affineScale ? TestData.Uniform<double>(n, 0.5, 1.5, 3) : null, beta = affineShift ? TestData.Uniform<double>(n, -1, 1, 4) : null;
        var y = new double[x.Length]; var mean = new double[rows]; var rstd = new double[rows];
        LayerNormKernels.Forward<double>(x, rows, n, gamma, beta, 1e-5, y, mean, rstd);
        var dx = new double[x.Length]; var dgamma = new double[n]; var dbeta = new double[n];
        LayerNormKernels.Backward<double>(g, x, rows, n, mean, rstd, gamma, dx, dgamma, dbeta);

        // Σ g*y with compensated summation so the central differences are not drowned in rounding.
        double Loss(double[] xx, double[]? gm, double[]? bt)
        {
            var (yy, _, _) = Reference(xx, rows, n, gm, bt, 1e-5);
            double s = 0, c = 0;
            for (int i = 0; i < yy.Length; i++)
            {
                double v = g[i] * yy[i] - c, t = s + v;
                c = (t - s) - v;
                s = t;
            }
            return s;
        }
        for (int probe = 0; probe < 12; probe++)
        {
            int k = (int)((long)probe * 7919 % x.Length);
            const double h = 1e-5;
            var xp = (double[])x.Clone(); xp[k] += h;
            var xm = (double[])x.Clone(); xm[k] -= h;
            KernelAssert.Close((Loss(xp, gamma, beta) - Loss(xm, gamma, beta)) / (2 * h), dx[k], 1e-5, 1e-8, $"dx[{k}]");
        }
        for (int j = 0; j < Math.Min(n, 5); j++)
        {
            const double h = 1e-4; // the loss is linear in gamma and beta
            double[] gp = gamma is null ? Enumerable.Repeat(1.0, n).ToArray() : (double[])gamma.Clone(), gm2 = (double[])gp.Clone();
            gp[j] += h; gm2[j] -= h;
            KernelAssert.Close((Loss(x, gp, beta) - Loss(x, gm2, beta)) / (2 * h), dgamma[j], 1e-8, 1e-9, $"dgamma[{j}]");
            double[] bp = beta is null ? new double[n] : (double[])beta.Clone(), bm = (double[])bp.Clone();
            bp[j] += h; bm[j] -= h;
            KernelAssert.Close((Loss(x, gamma, bp) - Loss(x, gamma, bm)) / (2 * h), dbeta[j], 1e-8, 1e-9, $"dbeta[{j}]");
        }
        // Skipping outputs leaves the others unchanged.
        var dxOnly = new double[x.Length];
        LayerNormKernels.Backward<double>(g, x, rows, n, mean, rstd, gamma, dxOnly, default, default);
        KernelAssert.Same<double>(dx, dxOnly, "dx without dgamma/dbeta");
        var dgOnly = new double[n];
        LayerNormKernels.Backward<double>(g, x, rows, n, mean, rstd, gamma, default, dgOnly, default);
        KernelAssert.Same<double>(dgamma, dgOnly, "dgamma alone");
    }
}
