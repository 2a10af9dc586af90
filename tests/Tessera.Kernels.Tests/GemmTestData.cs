using Tessera.Kernels.Gemm;

namespace Tessera.Kernels.Tests;

/// <summary>Random operands and a double-precision yardstick for the GEMM tests.</summary>
internal static class GemmTestData
{
    /// <summary>Uniform values in [-1, 1) from a fixed seed; padding between rows is filled too (it must be ignored).</summary>
    public static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>Elements needed for a stored (rows, cols) matrix with leading dimension ld.</summary>
    public static int Size(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;

    /// <summary>
    /// Checks <paramref name="actual"/> (m, n, ldc) against the exact-in-double product of the same
    /// float inputs. Tolerance per element: relTol·√k·(|alpha|·Σ|a||b| + |beta·c0|), the scale a
    /// rounding-error bound is proportional to.
    /// </summary>
    public static void AssertMatches(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c0, float[] actual, int ldc, double relTol = 1e-5)
    {
        double[] da = Array.ConvertAll(a, x => (double)x), db = Array.ConvertAll(b, x => (double)x);
        double[] dc = Array.ConvertAll(c0, x => float.IsNaN(x) ? 0.0 : x);
        GemmReference.Compute(transA, transB, m, n, k, (double)alpha, da, lda, db, ldb, beta == 0 ? 0.0 : beta, dc, ldc);
        double[] absA = Array.ConvertAll(da, Math.Abs), absB = Array.ConvertAll(db, Math.Abs);
        var scale = new double[dc.Length];
        GemmReference.Compute(transA, transB, m, n, k, Math.Abs((double)alpha), absA, lda, absB, ldb, 0.0, scale, ldc);
        double tol = relTol * Math.Sqrt(Math.Max(1, k));
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            int idx = i * ldc + j;
            double bound = tol * (scale[idx] + (beta == 0 ? 0 : Math.Abs(beta * (double)c0[idx]))) + 1e-30;
            double err = Math.Abs(actual[idx] - dc[idx]);
            Assert.False(double.IsNaN(actual[idx]) || err > bound,
                $"C[{i},{j}] = {actual[idx]} expected {dc[idx]} (err {err:E3} > {bound:E3}); m={m} n={n} k={k} tA={transA} tB={transB}");
        }
        // Padding between C rows must be untouched.
        for (int i = 0; i < m - 1 && n > 0; i++)
        for (int j = n; j < ldc; j++)
            Assert.Equal(c0[i * ldc + j], actual[i * ldc + j]);
    }
}
