using Tessera.Kernels.Gemm;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Tests;

[Collection(GemmCollection.Name)]
public class DgemmTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 7, 2)]
    [InlineData(7, 15, 16)]
    [InlineData(17, 31, 33)]
    [InlineData(65, 100, 17)]
    [InlineData(33, 257, 300)]   // two K blocks, two N blocks
    [InlineData(129, 9, 65)]
    [InlineData(0, 4, 4)]
    [InlineData(4, 0, 4)]
    public void MatchesReference(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        {
            int seed = m * 7 + n * 3 + k + (ta ? 1 : 0) + (tb ? 2 : 0);
            int lda = Math.Max(1, ta ? m : k) + 1, ldb = Math.Max(1, tb ? k : n) + 2, ldc = Math.Max(1, n) + 3;
            double[] a = RandomD(GemmTestData.Size(ta ? k : m, ta ? m : k, lda), seed);
            double[] b = RandomD(GemmTestData.Size(tb ? n : k, tb ? k : n, ldb), seed + 1);
            double[] c = RandomD(GemmTestData.Size(m, n, ldc), seed + 2);
            double[] c0 = (double[])c.Clone();
            double beta = seed % 2 == 0 ? 0 : -0.5, alpha = 1.25;
            Dgemm.Compute(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            (double[] expected, double[] scale) = GemmTestData.Reference(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
            double tol = 1e-14 * Math.Sqrt(Math.Max(1, k));
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int idx = i * ldc + j;
                Assert.True(Math.Abs(c[idx] - expected[idx]) <= tol * scale[idx] + 1e-300,
                    $"C[{i},{j}] = {c[idx]} expected {expected[idx]} (m={m} n={n} k={k} tA={ta} tB={tb})");
            }
            for (int i = 0; i < m - 1 && n > 0; i++)
            for (int j = n; j < ldc; j++)
                Assert.Equal(c0[i * ldc + j], c[i * ldc + j]);
        }
    }

    [Fact]
    public void BetaZeroIgnoresNaNAndZeroKScales()
    {
        double[] a = RandomD(12, 1), b = RandomD(12, 2);
        double[] c = [double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN];
        Dgemm.Compute(false, false, 3, 3, 4, 1, a, 4, b, 3, 0, c, 3);
        Assert.All(c, x => Assert.False(double.IsNaN(x)));
        double[] d = [1, 2];
        Dgemm.Compute(false, false, 1, 2, 0, 1, [], 1, [], 2, 3, d, 2);
        Assert.Equal([3.0, 6.0], d);
    }

    [Fact]
    public void ResultBitsAreIndependentOfThreadCount()
    {
        const int m = 150, n = 300, k = 270;
        double[] a = RandomD(m * k, 3), b = RandomD(k * n, 4);
        double[] Run(int threads)
        {
            int saved = ParallelRuntime.ThreadCount;
            ParallelRuntime.ThreadCount = threads;
            try
            {
                var c = new double[m * n];
                Dgemm.Compute(false, true, m, n, k, 1, a, k, b.AsSpan(0, n * k), k, 0, c, n);
                return c;
            }
            finally { ParallelRuntime.ThreadCount = saved; }
        }
        Assert.Equal(Run(1), Run(2));
        Assert.Equal(Run(2), Run(3));
    }

    private static double[] RandomD(int length, int seed)
    {
        var rng = new Random(seed);
        var x = new double[length];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
        return x;
    }
}
