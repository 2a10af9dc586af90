using System.Runtime.CompilerServices;

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
    /// Exact-ish C = alpha·op(A)·op(B) + beta·C0 in double, plus the error scale
    /// |alpha|·Σ|a||b| + |beta·c0| of every element (beta 0: C0 ignored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double[] Value, double[] Scale) Reference(bool transA, bool transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, ReadOnlySpan<double> c0, int ldc)
    {
        var value = new double[c0.Length];
        var scale = new double[c0.Length];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double acc = 0, abs = 0;
            for (int p = 0; p < k; p++)
            {
                double x = transA ? a[p * lda + i] : a[i * lda + p];
                double y = transB ? b[j * ldb + p] : b[p * ldb + j];
                acc += x * y;
                abs += Math.Abs(x * y);
            }
            int idx = i * ldc + j;
            double c = beta == 0 ? 0 : beta * c0[idx];
            value[idx] = alpha * acc + c;
            scale[idx] = Math.Abs(alpha) * abs + Math.Abs(c);
        }
        return (value, scale);
    }

    /// <summary>
    /// Checks <paramref name="actual"/> (m, n, ldc) against the double-precision product of the same
    /// float inputs. Tolerance per element: relTol·√k·(|alpha|·Σ|a||b| + |beta·c0|), the scale a
    /// rounding-error bound is proportional to. Padding between C rows must be untouched.
    /// </summary>
    public static void AssertMatches(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c0, float[] actual, int ldc, double relTol = 1e-5)
    {
        (double[] expected, double[] scale) = Reference(transA, transB, m, n, k, alpha,
            Array.ConvertAll(a, x => (double)x), lda, Array.ConvertAll(b, x => (double)x), ldb,
            beta, Array.ConvertAll(c0, x => (double)x), ldc);
        AssertClose(m, n, k, c0, actual, ldc, expected, scale, $"tA={transA} tB={transB}", relTol);
    }

    /// <summary>Element-wise check of <paramref name="actual"/> against a precomputed reference and error scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AssertClose(int m, int n, int k, float[] c0, float[] actual, int ldc,
        double[] expected, double[] scale, string what, double relTol = 1e-5)
    {
        double tol = relTol * Math.Sqrt(Math.Max(1, k));
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            int idx = i * ldc + j;
            double bound = tol * scale[idx] + 1e-30;
            double err = Math.Abs(actual[idx] - expected[idx]);
            if (double.IsNaN(actual[idx]) || err > bound)
                Assert.Fail($"C[{i},{j}] = {actual[idx]} expected {expected[idx]} (err {err:E3} > {bound:E3}); m={m} n={n} k={k} {what}");
        }
        for (int i = 0; i < m - 1 && n > 0; i++)
        for (int j = n; j < ldc; j++)
            if (BitConverter.SingleToInt32Bits(c0[i * ldc + j]) != BitConverter.SingleToInt32Bits(actual[i * ldc + j]))
                Assert.Fail($"padding C[{i},{j}] was overwritten; {what}");
    }
}
