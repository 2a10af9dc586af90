using System.Diagnostics;
using Tessera.Kernels.Gemm;

namespace Tessera.Bench;

/// <summary>
/// Single-precision GEMM throughput, measured like bench/torch_gemm.py: 3 warm-up
/// products, then the best of 5 timings of reps = max(3, 2e10 / (2·m·n·k)) back-to-back products.
/// </summary>
public static class GemmBench
{
    /// <summary>Square sizes measured when none are given.</summary>
    public static readonly int[] DefaultSizes = [256, 512, 1024, 2048];

    /// <summary>
    /// The products of training a 784-128 linear layer on a batch of 64, in both weight layouts
    /// (W stored (784, 128) so y = X·W, and (128, 784) as in nn.Linear so y = X·Wᵀ).
    /// </summary>
    public static readonly IReadOnlyList<(int M, int N, int K, bool TransA, bool TransB, string Label)> TrainingShapes =
    [
        (64, 128, 784, false, false, "forward X·W"),
        (64, 128, 784, false, true, "forward X·Wᵀ"),
        (64, 784, 128, false, true, "dX = dY·Wᵀ"),
        (64, 784, 128, false, false, "dX = dY·W"),
        (784, 128, 64, true, false, "dW = Xᵀ·dY"),
        (128, 784, 64, true, false, "dW = dYᵀ·X"),
    ];

    /// <summary>Measures the n×n×n product C = A·B.</summary>
    public static GemmBenchResult Square(int n) => Measure(n, n, n, false, false, "square");

    /// <summary>Measures C = op(A)·op(B) for the given shape; operands are random, C is overwritten (beta 0).</summary>
    public static GemmBenchResult Measure(int m, int n, int k, bool transA, bool transB, string label)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var rng = new Random(42);
        float[] a = RandomMatrix(rng, m * k), b = RandomMatrix(rng, k * n), c = new float[m * n];
        int lda = transA ? m : k, ldb = transB ? k : n;
        void Once() => Sgemm.Compute(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);

        for (int i = 0; i < 3; i++) Once();
        double flops = 2.0 * m * n * k;
        int reps = (int)Math.Max(3, 2e10 / flops);
        double best = double.MaxValue;
        for (int t = 0; t < 5; t++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < reps; r++) Once();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / reps);
        }
        return new GemmBenchResult(m, n, k, transA, transB, best, label);
    }

    /// <summary>Standard-normal-ish values (sum of uniforms), like torch.randn's scale.</summary>
    private static float[] RandomMatrix(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * 2f;
        return x;
    }
}
