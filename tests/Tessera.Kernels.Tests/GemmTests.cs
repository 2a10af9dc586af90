using Tessera.Kernels.Gemm;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Tests;

[Collection(GemmCollection.Name)]
public class GemmTests
{
    // (m, n, k): every size in {0,1,2,3,7,15,16,17,31,33,63,65,100,129,257} appears in each position,
    // plus shapes that straddle the micro-tile (8/12 × 32, 6 × 16, 4 × 8) and K-block (384) edges.
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (0, 5, 3), (5, 0, 3), (4, 5, 0), (1, 1, 1), (2, 3, 7), (3, 7, 2), (7, 15, 16), (15, 16, 17),
        (16, 17, 15), (17, 31, 33), (31, 33, 63), (33, 63, 65), (63, 65, 31), (65, 100, 17), (100, 129, 33),
        (129, 63, 100), (257, 33, 65), (33, 257, 129), (65, 17, 257), (1, 257, 100), (257, 1, 129),
        (100, 100, 1), (13, 40, 2), (24, 64, 400), (25, 33, 777), (1, 300, 200), (4, 100, 300), (2, 33, 1000),
    ];

    public static TheoryData<int, bool, bool> Cases()
    {
        var data = new TheoryData<int, bool, bool>();
        for (int s = 0; s < Shapes.Length; s++)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    data.Add(s, ta, tb);
        return data;
    }

    /// <summary>Every path (small loop, packed, in place) and every kernel ISA against one reference.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(int shape, bool transA, bool transB)
    {
        (int m, int n, int k) = Shapes[shape];
        int seed = shape * 4 + (transA ? 2 : 0) + (transB ? 1 : 0);
        // Alternate tight and padded leading dimensions, and a spread of alpha/beta.
        int pad = seed % 2 == 0 ? 0 : 3;
        float alpha = (seed % 3) switch { 0 => 1f, 1 => -0.75f, _ => 2.5f };
        float beta = (seed % 4) switch { 0 => 0f, 1 => 1f, 2 => -0.5f, _ => 0f };
        var problem = new Problem(transA, transB, m, n, k, alpha, beta, pad, seed);
        var isas = new List<GemmIsa> { GemmIsa.Auto, GemmIsa.Portable };
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported) isas.Add(GemmIsa.Avx2);
        int saved = ParallelRuntime.ThreadCount;
        try
        {
            foreach (GemmIsa isa in isas)
            {
                // The small path does not depend on the ISA, and threading is covered elsewhere:
                // the fallback kernels run single-threaded through the blocked path only.
                ParallelRuntime.ThreadCount = isa == GemmIsa.Auto ? saved : 1;
                foreach (GemmPath path in Enum.GetValues<GemmPath>())
                {
                    if (isa != GemmIsa.Auto && path == GemmPath.Auto) continue;
                    using var _ = new GemmSwitches(isa, path);
                    problem.RunAndCheck($"{isa}/{path}");
                }
            }
        }
        finally { ParallelRuntime.ThreadCount = saved; }
    }

    /// <summary>
    /// The direct x·Wᵀ path (m ≤ 4, B transposed: batch-1 linear layers) on every ISA: groups of eight outputs and the
    /// single-output remainder, k below, at and past a vector block, tight and padded leading dimensions.
    /// </summary>
    [Fact]
    public void SkinnyDotProductsMatchReferenceOnEveryIsa()
    {
        var isas = new List<GemmIsa> { GemmIsa.Auto, GemmIsa.Portable };
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported) isas.Add(GemmIsa.Avx2);
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) isas.Add(GemmIsa.Avx512);
        int seed = 0;
        foreach (int m in new[] { 1, 2, 4 })
            foreach (int n in new[] { 1, 7, 8, 9, 17, 128 })
                foreach (int k in new[] { 1, 7, 8, 15, 16, 17, 100, 784 })
                {
                    var problem = new Problem(false, true, m, n, k, seed % 2 == 0 ? 1f : -0.75f, seed % 3 == 0 ? 0f : 0.5f, seed % 2 * 3, seed);
                    seed++;
                    foreach (GemmIsa isa in isas)
                    {
                        using var _ = new GemmSwitches(isa, GemmPath.Auto);
                        problem.RunAndCheck($"{isa} m={m} n={n} k={k}");
                    }
                }
    }

    [Theory]
    [InlineData(64, 128, 784, false, false)] // forward X·W
    [InlineData(64, 128, 784, false, true)]  // forward X·Wᵀ
    [InlineData(64, 784, 128, false, false)] // dX = dY·W
    [InlineData(64, 784, 128, false, true)]  // dX = dY·Wᵀ
    [InlineData(128, 784, 64, true, false)]  // dW = dYᵀ·X
    [InlineData(784, 128, 64, true, false)]  // dW = Xᵀ·dY
    [InlineData(200, 150, 1000, true, true)] // several K blocks
    public void TrainingShapesMatchReference(int m, int n, int k, bool transA, bool transB)
    {
        Check(transA, transB, m, n, k, 1f, 0f, 0, m + n + k);
        using var _ = new GemmSwitches(GemmIsa.Auto, GemmPath.Packed);
        Check(transA, transB, m, n, k, 0.5f, 1f, 1, m + n + k + 1);
    }

    [Theory]
    [InlineData(3, 4, 5)]
    [InlineData(70, 90, 800)]
    public void BetaZeroIgnoresNaNInC(int m, int n, int k)
    {
        foreach (GemmPath path in Enum.GetValues<GemmPath>())
        {
            using var _ = new GemmSwitches(GemmIsa.Auto, path);
            float[] a = GemmTestData.Random(m * k, 1), b = GemmTestData.Random(k * n, 2);
            float[] c = new float[m * n];
            Array.Fill(c, float.NaN);
            float[] c0 = (float[])c.Clone();
            Sgemm.Compute(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            GemmTestData.AssertMatches(false, false, m, n, k, 1f, a, k, b, n, 0f, c0, c, n);
        }
    }

    [Fact]
    public void ZeroKScalesC()
    {
        float[] c = [1f, 2f, 3f, 4f];
        Sgemm.Compute(false, false, 2, 2, 0, 1f, [], 1, [], 2, 0.5f, c, 2);
        Assert.Equal([0.5f, 1f, 1.5f, 2f], c);
        float[] nan = [float.NaN, float.NaN];
        Sgemm.Compute(true, true, 1, 2, 0, 1f, [], 1, [], 1, 0f, nan, 2);
        Assert.Equal([0f, 0f], nan);
    }

    [Fact]
    public void ZeroAlphaDoesNotReadAOrB()
    {
        float[] a = [float.NaN, float.NaN], b = [float.NaN, float.NaN], c = [2f];
        Sgemm.Compute(false, false, 1, 1, 2, 0f, a, 2, b, 1, 3f, c, 1);
        Assert.Equal(6f, c[0]);
    }

    [Theory]
    [InlineData(4, 5, 6, 7, false)]       // small products: spread over threads
    [InlineData(3, 70, 90, 100, false)]   // large products: threaded one by one
    [InlineData(5, 17, 33, 65, true)]
    public void BatchedMatchesPerProductReference(int batch, int m, int n, int k, bool trans)
    {
        int lda = (trans ? m : k) + 1, ldb = (trans ? k : n) + 2, ldc = n + 3;
        long sizeA = GemmTestData.Size(trans ? k : m, trans ? m : k, lda);
        long sizeB = GemmTestData.Size(trans ? n : k, trans ? k : n, ldb);
        long sizeC = GemmTestData.Size(m, n, ldc) + 5;
        // A is broadcast (stride 0); B and C are strided.
        float[] a = GemmTestData.Random((int)sizeA, 3);
        float[] b = GemmTestData.Random((int)(sizeB * batch), 4);
        float[] c = GemmTestData.Random((int)(sizeC * batch), 5);
        float[] c0 = (float[])c.Clone();
        Sgemm.ComputeBatched(trans, trans, batch, m, n, k, 1.5f, a, lda, 0, b, ldb, sizeB, 0.25f, c, ldc, sizeC);
        for (int i = 0; i < batch; i++)
        {
            float[] bi = b.AsSpan((int)(i * sizeB), (int)sizeB).ToArray();
            float[] ci0 = c0.AsSpan((int)(i * sizeC), (int)sizeC).ToArray();
            float[] ci = c.AsSpan((int)(i * sizeC), (int)sizeC).ToArray();
            GemmTestData.AssertMatches(trans, trans, m, n, k, 1.5f, a, lda, bi, ldb, 0.25f, ci0, ci, ldc);
            // Gaps between the C matrices are untouched.
            for (long e = GemmTestData.Size(m, n, ldc); e < sizeC; e++) Assert.Equal(ci0[e], ci[e]);
        }
    }

    [Fact]
    public void BatchedGivesSameBitsAsSeparateCalls()
    {
        const int batch = 6, m = 20, n = 24, k = 40;
        float[] a = GemmTestData.Random(batch * m * k, 6), b = GemmTestData.Random(k * n, 7);
        float[] batched = new float[batch * m * n], single = new float[batch * m * n];
        Sgemm.ComputeBatched(false, false, batch, m, n, k, 1f, a, k, m * k, b, n, 0, 0f, batched, n, m * n);
        for (int i = 0; i < batch; i++)
            Sgemm.Compute(false, false, m, n, k, 1f, a.AsSpan(i * m * k), k, b, n, 0f, single.AsSpan(i * m * n), n);
        Assert.Equal(single, batched);
    }

    /// <summary>
    /// Bits do not depend on the thread count: every C element is summed in K blocks fixed by k,
    /// and threads only split C. (Run-to-run equality at a fixed count follows a fortiori.)
    /// </summary>
    [Theory]
    [InlineData(300, 200, 500, false, false)]
    [InlineData(600, 520, 300, false, false)] // several grid cells per thread
    [InlineData(129, 257, 100, true, false)]
    [InlineData(64, 784, 128, false, true)]
    [InlineData(3, 5000, 40, true, true)]
    [InlineData(2, 3000, 400, false, false)]
    [InlineData(4, 2000, 300, false, true)]
    public void ResultBitsAreIndependentOfThreadCount(int m, int n, int k, bool transA, bool transB)
    {
        float[] a = GemmTestData.Random(m * k, 8), b = GemmTestData.Random(k * n, 9);
        float[] c0 = GemmTestData.Random(m * n, 10);
        float[] Run(int threads)
        {
            int saved = ParallelRuntime.ThreadCount;
            ParallelRuntime.ThreadCount = threads;
            try
            {
                float[] c = (float[])c0.Clone();
                Sgemm.Compute(transA, transB, m, n, k, 0.7f, a, transA ? m : k, b, transB ? k : n, 0.3f, c, n);
                return c;
            }
            finally { ParallelRuntime.ThreadCount = saved; }
        }
        float[] one = Run(1), two = Run(2), twoAgain = Run(2), three = Run(3);
        Assert.Equal(one, two);
        Assert.Equal(two, twoAgain);
        Assert.Equal(one, three);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        float[] x = new float[12];
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Compute(false, false, -1, 2, 2, 1f, x, 2, x, 2, 0f, x, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Compute(false, false, 2, 2, 3, 1f, x, 2, x, 2, 0f, x, 2)); // lda < k
        Assert.Throws<ArgumentException>(() => Sgemm.Compute(false, false, 4, 4, 4, 1f, x, 4, x, 4, 0f, new float[16], 4));
        Assert.Throws<ArgumentException>(() => Sgemm.Compute(true, false, 2, 3, 4, 1f, x, 2, x, 3, 0f, new float[5], 3));
        Assert.Throws<ArgumentException>(() =>
            Sgemm.ComputeBatched(false, false, 2, 2, 2, 2, 1f, x, 2, 0, x, 2, 0, 0f, x, 2, 0)); // C overlaps
    }

    private static void Check(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad, int seed) =>
        new Problem(transA, transB, m, n, k, alpha, beta, pad, seed).RunAndCheck("default");

    /// <summary>Random operands for one shape, with the reference computed once for every path that runs it.</summary>
    private sealed class Problem
    {
        private readonly bool _ta, _tb;
        private readonly int _m, _n, _k, _lda, _ldb, _ldc;
        private readonly float _alpha, _beta;
        private readonly float[] _a, _b, _c0;
        private readonly double[] _expected, _scale;

        public Problem(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad, int seed)
        {
            (_ta, _tb, _m, _n, _k, _alpha, _beta) = (transA, transB, m, n, k, alpha, beta);
            _lda = Math.Max(1, transA ? m : k) + pad;
            _ldb = Math.Max(1, transB ? k : n) + pad;
            _ldc = Math.Max(1, n) + pad;
            _a = GemmTestData.Random(GemmTestData.Size(transA ? k : m, transA ? m : k, _lda), seed);
            _b = GemmTestData.Random(GemmTestData.Size(transB ? n : k, transB ? k : n, _ldb), seed + 1000);
            _c0 = GemmTestData.Random(GemmTestData.Size(m, n, _ldc), seed + 2000);
            // With beta 0, C must not be read: poison its first row.
            if (beta == 0f) Array.Fill(_c0, float.NaN, 0, Math.Min(_c0.Length, n));
            (_expected, _scale) = GemmTestData.Reference(transA, transB, m, n, k, alpha,
                Array.ConvertAll(_a, x => (double)x), _lda, Array.ConvertAll(_b, x => (double)x), _ldb,
                beta, Array.ConvertAll(_c0, x => (double)x), _ldc);
        }

        public void RunAndCheck(string what)
        {
            float[] c = (float[])_c0.Clone();
            Sgemm.Compute(_ta, _tb, _m, _n, _k, _alpha, _a, _lda, _b, _ldb, _beta, c, _ldc);
            GemmTestData.AssertClose(_m, _n, _k, _c0, c, _ldc, _expected, _scale, what);
        }
    }
}
