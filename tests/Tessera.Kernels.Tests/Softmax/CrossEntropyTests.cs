using Tessera.Kernels.Softmax;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Softmax;

public class CrossEntropyTests
{
    // Logits, targets (sample 2 ignored) and weights for which PyTorch 1.13 produced the values below
    // (torch.nn.functional.cross_entropy in float64, reduction 'none' and 'mean', grad of 'mean').
    private static readonly double[] Logits = [0.5, -1.2, 2.0, 0.1, 0.0, 1.5, 1.5, -0.3, 0.7, -2.0, 0.0, 0.3, 0.6, 0.9, 1.2, -1.0, 2.5, 0.4, -0.4, 3.0];
    private static readonly long[] Targets = [2, 0, -100, 4];
    private static readonly double[] Weights = [1.0, 0.5, 2.0, 1.5, 0.25];

    public static TheoryData<bool, double, double[], double, double[]> TorchCases() => new()
    {
        { false, 0.0, [0.4374780270168956, 0.97260498969107, 0.0, 0.549561496389265], 0.6532148376990768,
          [0.04802227488152625, 0.008772878408386336, -0.11811242886402695, 0.03219029350932081, 0.029126982064793548, -0.20730106139858417, 0.12603227193474914, 0.0208329944308547, 0.05662995019378081, 0.003805844839199531, 0, 0, 0, 0, 0, 0.003523946385746173, 0.11669707724218473, 0.014290307266640281, 0.006421048961036284, -0.1409323798556075] },
        { false, 0.1, [0.6094780270168956, 1.0946049896910701, 0.0, 0.759561496389265], 0.8212148376990769,
          [0.041355608214859584, 0.002106211741719669, -0.09144576219736028, 0.02552362684265414, 0.02246031539812688, -0.18063439473191753, 0.11936560526808244, 0.01416632776418803, 0.04996328352711413, -0.0028608218274671364, 0, 0, 0, 0, 0, -0.003142720280920495, 0.11003041057551805, 0.007623640599973611, -0.0002456177056303846, -0.11426571318894085] },
        { true, 0.0, [0.8749560540337912, 0.97260498969107, 0.0, 0.13739037409731625], 0.6107542824068238,
          [0.08865650747358693, 0.01619608321548247, -0.21805371482589592, 0.059428234171053806, 0.05377288996577271, -0.19135482590638542, 0.11633748178592229, 0.019230456397712033, 0.0522738001788746, 0.0035130875438764905, 0, 0, 0, 0, 0, 0.0008132183967106553, 0.02693009474819648, 0.0032977632153785266, 0.0014817805294699117, -0.03252285688975558] },
        { true, 0.1, [0.9623956414671861, 1.0909680146395253, 0.0, 0.4723552938084574], 0.7771442922815904,
          [0.07829147721474541, 0.012349846185823975, -0.18769616337166586, 0.04737462381715953, 0.049680216153936974, -0.1661577538820712, 0.11384224611792883, 0.007018916372008286, 0.04330439994899974, 0.0019921914431343347, 0, 0, 0, 0, 0, -0.005080397870188089, 0.032470801990696276, -0.007954644863392653, -0.007274818931868946, -0.012160940325246597] },
    };

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void MatchesPyTorch(bool weighted, double eps, double[] losses, double mean, double[] gradOfMean)
    {
        ReadOnlySpan<double> w = weighted ? Weights : default;
        var loss = new double[4]; var logp = new double[20];
        double denom = CrossEntropyKernels.Forward<double>(Logits, 4, 5, Targets, w, -100, eps, loss, logp);
        KernelAssert.Close<double>(losses, loss, 1e-14, 1e-15, "per-sample loss");
        KernelAssert.Close(mean, loss.Sum() / denom, 1e-14, 0, "mean loss");
        var grad = new double[20];
        CrossEntropyKernels.Backward<double>(logp, 4, 5, Targets, w, -100, eps, 1.0 / denom, grad);
        KernelAssert.Close<double>(gradOfMean, grad, 1e-13, 1e-15, "dlogits (scalar grad)");
        var perSample = new double[4];
        Array.Fill(perSample, 1.0 / denom);
        var grad2 = new double[20];
        CrossEntropyKernels.Backward<double>(logp, 4, 5, Targets, w, -100, eps, perSample, grad2);
        KernelAssert.Same<double>(grad, grad2, "per-sample grad overload");
    }

    [Theory]
    [InlineData(1, 3, false, 0.0)]
    [InlineData(64, 10, true, 0.2)]
    [InlineData(300, 1000, true, 0.1)]
    [InlineData(40, 5000, false, 0.3)]
    public void BackwardIsTheDerivativeOfTheSummedLoss(int n, int c, bool weighted, double eps)
    {
        var rnd = new Random(n * c);
        double[] z = TestData.Uniform<double>(n * c, -4, 4, n), w = weighted ? TestData.Uniform<double>(c, 0.2, 2, c) : [];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) t[i] = i % 7 == 3 ? -1 : rnd.Next(c);
        var loss = new double[n]; var logp = new double[n * c]; var g = TestData.Uniform<double>(n, 0.5, 1.5, 3);
        CrossEntropyKernels.Forward<double>(z, n, c, t, w, -1, eps, loss, logp);
        var grad = new double[n * c];
        CrossEntropyKernels.Backward<double>(logp, n, c, t, w, -1, eps, g, grad);
        // Check a spread of coordinates against central differences of g_i loss_i (only row i moves).
        for (int probe = 0; probe < 25; probe++)
        {
            int k = (int)((long)probe * 7919 % (n * c)), i = k / c;
            double L(double d)
            {
                var row = z.AsSpan(i * c, c).ToArray();
                row[k - i * c] += d;
                var lp = new double[1]; var tmp = new double[c];
                CrossEntropyKernels.Forward<double>(row, 1, c, t.AsSpan(i, 1), w, -1, eps, lp, tmp);
                return g[i] * lp[0];
            }
            KernelAssert.Close((L(1e-5) - L(-1e-5)) / 2e-5, grad[k], 1e-6, 1e-9, $"dlogits[{k}]");
        }
        // Float path agrees with double.
        var lossF = new float[n]; var logpF = new float[n * c]; var gradF = new float[n * c];
        float[] zf = Array.ConvertAll(z, v => (float)v), wf = Array.ConvertAll(w, v => (float)v);
        CrossEntropyKernels.Forward<float>(zf, n, c, t, wf, -1, (float)eps, lossF, logpF);
        CrossEntropyKernels.Backward<float>(logpF, n, c, t, wf, -1, (float)eps, Array.ConvertAll(g, v => (float)v), gradF);
        KernelAssert.Close<float>(loss, lossF, 2e-6, 2e-6, "float loss");
        KernelAssert.Close<float>(grad, gradF, 1e-5, 1e-7, "float dlogits");
    }

    [Fact]
    public void RejectsBadTargetsAndSmoothing()
    {
        var loss = new float[2]; var logp = new float[6];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropyKernels.Forward<float>(new float[6], 2, 3, [0, 3], default, -100, 0f, loss, logp));
        Assert.Equal("targets", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropyKernels.Forward<float>(new float[6], 2, 3, [0, -5], default, -100, 0f, loss, logp));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropyKernels.Forward<float>(new float[6], 2, 3, [0, 1], default, -100, 1.5f, loss, logp));
        // All ignored: every loss 0 and a zero denominator (mean is then 0/0 = NaN, as PyTorch).
        Assert.Equal(0f, CrossEntropyKernels.Forward<float>(new float[6], 2, 3, [-100, -100], default, -100, 0f, loss, logp));
        Assert.All(loss, v => Assert.Equal(0f, v));
    }
}
