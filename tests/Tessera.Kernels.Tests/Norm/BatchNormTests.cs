using Tessera.Kernels.Norm;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Norm;

public class BatchNormTests
{
    [Fact]
    public void MatchesPyTorchBatchNorm1dTrainingStep()
    {
        // torch.nn.BatchNorm1d(3, eps=1e-5, momentum=0.1) in float64 on x of shape (2, 3, 2), loss = Σ y * g.
        double[] x = [0.5, -1.0, 2.0, 0.3, 1.0, 1.5, 0.2, 0.8, -0.7, 1.1, 3.0, -2.0];
        double[] g = [1.0, -2.0, 0.5, 0.25, 3.0, 1.0, -1.0, 0.5, 2.0, -1.5, 0.7, 0.1];
        double[] gamma = [1.5, 0.5, -1.0], beta = [0.1, -0.2, 0.3];
        double[] rm = [0.5, 0.0, -0.5], rv = [2.0, 1.0, 0.5];
        var y = new double[12]; var mean = new double[3]; var invstd = new double[3];
        BatchNormKernels.ForwardTraining<double>(x, 2, 3, 2, gamma, beta, 1e-5, 0.1, rm, rv, y, mean, invstd);
        KernelAssert.Close<double>([0.9232231336578791, -2.3696694009736374, 0.46520456558923684, -0.3882654430912935, 0.23115726532381253, -0.0442136733809374,
            0.26464462673157585, 1.5818016405841824, -0.8903066246680761, 0.013367502170132573, -0.8703264894951872, 1.8833828975523121], y, 1e-14, 1e-15, "y");
        KernelAssert.Close<double>([0.4625, 0.0675, -0.3625], rm, 1e-15, 1e-16, "running_mean");
        KernelAssert.Close<double>([1.86225, 1.0322500000000001, 0.8895833333333334], rv, 1e-15, 0, "running_var (unbiased)");
        var dx = new double[12]; var dgamma = new double[3]; var dbeta = new double[3];
        BatchNormKernels.BackwardTraining<double>(g, x, 2, 3, 2, gamma, mean, invstd, dx, dgamma, dbeta);
        KernelAssert.Close<double>([1.7456570401052394, 0.2511831040701424, 0.5667291841533738, -0.16513128968092453, -0.9798507494298075, 0.16757152501836106,
            -1.626604112757862, -0.37023603141752, 0.3567642025254434, -0.7583620969978928, 0.4706096471287177, 0.3416695772827287], dx, 1e-13, 1e-15, "dx");
        KernelAssert.Close<double>([4.2258787527771124, -2.830257161139112, 1.2116321303008997], dgamma, 1e-14, 0, "dgamma");
        KernelAssert.Close<double>([-1.5, 1.25, 4.8], dbeta, 1e-15, 0, "dbeta");
    }

    public static TheoryData<int, int, int> Shapes() => new() { { 2, 3, 1 }, { 64, 20, 1 }, { 4, 3, 9 }, { 8, 16, 49 }, { 3, 4, 20000 }, { 5000, 17, 1 }, { 2, 70, 1000 } };

    private static (double[] Mean, double[] Var) Stats(double[] x, int n, int c, int hw)
    {
        var mean = new double[c]; var var = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            double s = 0;
            for (int k = 0; k < n; k++) for (int p = 0; p < hw; p++) s += x[(k * c + ch) * hw + p];
            double m = s / (n * hw), q = 0;
            for (int k = 0; k < n; k++) for (int p = 0; p < hw; p++) q += Math.Pow(x[(k * c + ch) * hw + p] - m, 2);
            mean[ch] = m; var[ch] = q / (n * hw);
        }
        return (mean, var);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TrainingForwardBackwardAndInference(int n, int c, int hw)
    {
        double[] x = TestData.Uniform<double>(n * c * hw, -3, 5, n + c + hw), g = TestData.Uniform<double>(x.Length, -1, 1, 7);
        double[] gamma = TestData.Uniform<double>(c, 0.5, 2, 1), beta = TestData.Uniform<double>(c, -1, 1, 2);
        var (rmRef, rvRef) = Stats(x, n, c, hw);
        var y = new double[x.Length]; var mean = new double[c]; var invstd = new double[c];
        double[] runMean = new double[c], runVar = Enumerable.Repeat(1.0, c).ToArray();
        BatchNormKernels.ForwardTraining<double>(x, n, c, hw, gamma, beta, 1e-5, 0.1, runMean, runVar, y, mean, invstd);
        KernelAssert.Close<double>(rmRef, mean, 1e-13, 1e-15, "mean");
        for (int ch = 0; ch < c; ch++)
        {
            KernelAssert.Close(1 / Math.Sqrt(rvRef[ch] + 1e-5), invstd[ch], 1e-12, 0, $"invstd[{ch}]");
            KernelAssert.Close(0.1 * rmRef[ch], runMean[ch], 1e-13, 1e-15, $"running_mean[{ch}]");
            double m = (double)n * hw;
            KernelAssert.Close(0.9 + 0.1 * rvRef[ch] * m / (m - 1), runVar[ch], 1e-12, 0, $"running_var[{ch}]");
        }
        for (int i = 0; i < x.Length; i++)
        {
            int ch = i / hw % c;
            KernelAssert.Close((x[i] - rmRef[ch]) / Math.Sqrt(rvRef[ch] + 1e-5) * gamma[ch] + beta[ch], y[i], 1e-11, 1e-12, $"y[{i}]");
        }

        // Backward against the closed form with reference statistics.
        var dx = new double[x.Length]; var dgamma = new double[c]; var dbeta = new double[c];
        BatchNormKernels.BackwardTraining<double>(g, x, n, c, hw, gamma, mean, invstd, dx, dgamma, dbeta);
        double M = (double)n * hw;
        var sumG = new double[c]; var dot = new double[c];
        for (int i = 0; i < x.Length; i++) { int ch = i / hw % c; sumG[ch] += g[i]; dot[ch] += g[i] * (x[i] - rmRef[ch]); }
        for (int ch = 0; ch < c; ch++)
        {
            double istd = 1 / Math.Sqrt(rvRef[ch] + 1e-5);
            KernelAssert.Close(dot[ch] * istd, dgamma[ch], 1e-10, 1e-12, $"dgamma[{ch}]");
            KernelAssert.Close(sumG[ch], dbeta[ch], 1e-11, 1e-12, $"dbeta[{ch}]");
        }
        for (int i = 0; i < x.Length; i += Math.Max(1, x.Length / 500))
        {
            int ch = i / hw % c;
            double istd = 1 / Math.Sqrt(rvRef[ch] + 1e-5);
            double e = (g[i] - (x[i] - rmRef[ch]) * dot[ch] * istd * istd / M - sumG[ch] / M) * istd * gamma[ch];
            KernelAssert.Close(e, dx[i], 1e-9, 1e-11, $"dx[{i}] of ({n},{c},{hw})");
        }

        // Inference uses the running statistics; its backward treats them as constants.
        BatchNormKernels.ForwardInference<double>(x, n, c, hw, gamma, beta, runMean, runVar, 1e-5, y);
        BatchNormKernels.BackwardInference<double>(g, x, n, c, hw, gamma, runMean, runVar, 1e-5, dx, dgamma, dbeta);
        var dgRef = new double[c];
        for (int i = 0; i < x.Length; i++)
        {
            int ch = i / hw % c;
            double istd = 1 / Math.Sqrt(runVar[ch] + 1e-5);
            KernelAssert.Close((x[i] - runMean[ch]) * istd * gamma[ch] + beta[ch], y[i], 1e-12, 1e-13, $"eval y[{i}]");
            KernelAssert.Close(g[i] * istd * gamma[ch], dx[i], 1e-13, 1e-15, $"eval dx[{i}]");
            dgRef[ch] += g[i] * (x[i] - runMean[ch]) * istd;
        }
        KernelAssert.Close<double>(dgRef, dgamma, 1e-10, 1e-12, "eval dgamma");

        // Float path tracks double.
        float[] xf = Array.ConvertAll(x, v => (float)v);
        var yf = new float[x.Length]; var mf = new float[c]; var sf = new float[c];
        BatchNormKernels.ForwardTraining<float>(xf, n, c, hw, Array.ConvertAll(gamma, v => (float)v), Array.ConvertAll(beta, v => (float)v), 1e-5f, 0.1f,
            default, default, yf, mf, sf);
        KernelAssert.Close<float>(rmRef, mf, 1e-5, 1e-6, "mean<float>");
    }

    [Fact]
    public void TrainingNeedsMoreThanOneValuePerChannel()
    {
        var ex = Assert.Throws<ArgumentException>(() => BatchNormKernels.ForwardTraining<float>(new float[3], 1, 3, 1, default, default, 1e-5f, 0.1f,
            default, default, new float[3], new float[3], new float[3]));
        Assert.Contains("more than 1 value", ex.Message);
    }
}
