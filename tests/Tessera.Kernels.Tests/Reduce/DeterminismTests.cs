using Tessera.Kernels.Norm;
using Tessera.Kernels.Reduce;
using Tessera.Kernels.Softmax;
using Tessera.Kernels.Tests.Support;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Tests.Reduce;

/// <summary>
/// Reductions must give the same bits on every run and for every thread count: their partition
/// (32K-element super-blocks, 64-column tiles, fixed row blocks for norm gradients) depends only on
/// the shape, and partials are combined in index order.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class DeterminismTests
{
    private static T[] Run<T>(int threads, Func<T[]> f)
    {
        int saved = ParallelRuntime.ThreadCount;
        try
        {
            ParallelRuntime.ThreadCount = threads;
            return f();
        }
        finally { ParallelRuntime.ThreadCount = saved; }
    }

    private static void SameForAllThreadCounts<T>(string what, Func<T[]> f) where T : System.Numerics.INumberBase<T>
    {
        T[] one = Run(1, f);
        foreach (int threads in new[] { 2, 3, 4 })
        {
            KernelAssert.Same<T>(one, Run(threads, f), $"{what} with {threads} threads");
            KernelAssert.Same<T>(one, Run(threads, f), $"{what} repeated with {threads} threads");
        }
    }

    [Fact]
    public void FullReductionsDoNotDependOnThreadCount()
    {
        float[] x = TestData.Uniform<float>(1_000_003, -1, 1, 1), y = TestData.Uniform<float>(1_000_003, -1, 1, 2);
        SameForAllThreadCounts("sum/dot/max/var", () => new[]
        {
            Reductions.Sum<float>(x), Reductions.Dot<float>(x, y), Reductions.SumOfSquares<float>(x), Reductions.Max<float>(x),
            Reductions.ArgMax<float>(x), Reductions.Var<float>(x), Reductions.LogSumExp<float>(x),
        });
    }

    [Fact]
    public void AxisReductionsDoNotDependOnThreadCount()
    {
        float[] x = TestData.Uniform<float>(3 * 1000 * 130, -1, 1, 3);
        SameForAllThreadCounts("sum over dim 1 (inner 130)", () => { var d = new float[3 * 130]; AxisReductions.Sum<float>(x, 3, 1000, 130, d); return d; });
        SameForAllThreadCounts("sum over rows", () => { var d = new float[3000]; AxisReductions.Sum<float>(x, 3000, 130, 1, d); return d; });
        SameForAllThreadCounts("logsumexp over dim 0", () => { var d = new float[3000 * 130 / 3]; AxisReductions.LogSumExp<float>(x, 1, 3, 130000, d); return d; });
        SameForAllThreadCounts("std over dim 1", () => { var d = new float[3 * 130]; AxisReductions.Std<float>(x, 3, 1000, 130, d); return d; });
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(2051)]
    public void RowSumsGiveTheBitsOfEachRowsFullReduction(int rowLength)
    {
        // Short rows take an inlined one-chunk path; it must keep the documented summation order,
        // i.e. equal a full reduction of that row alone, bit for bit.
        const int rows = 70;
        float[] x = TestData.Uniform<float>(rows * rowLength, -1, 1, rowLength);
        var sums = new float[rows];
        AxisReductions.Sum<float>(x, rows, rowLength, 1, sums);
        var expected = new float[rows];
        for (int r = 0; r < rows; r++)
            expected[r] = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && rowLength <= 1024
                ? OneChunkReference(x.AsSpan(r * rowLength, rowLength))
                : Reductions.Sum<float>(x.AsSpan(r * rowLength, rowLength));
        KernelAssert.Same<float>(expected, sums, $"row sums of length {rowLength}");
        var doubles = TestData.Uniform<double>(rows * rowLength, -1, 1, rowLength + 1);
        var dsums = new double[rows];
        AxisReductions.Sum<double>(doubles, rows, rowLength, 1, dsums);
        for (int r = 0; r < rows; r++) Assert.Equal(Reductions.Sum<double>(doubles.AsSpan(r * rowLength, rowLength)), dsums[r]);
    }

    /// <summary>
    /// The documented order for a row of at most one 1024-element chunk, written out lane by lane:
    /// a full chunk uses four accumulators combined as (a0 + a1) + (a2 + a3); a shorter row one
    /// accumulator plus a masked tail vector ending at the last element.
    /// </summary>
    private static float OneChunkReference(ReadOnlySpan<float> x)
    {
        const int lanes = 16;
        var v = new float[lanes];
        int n = x.Length;
        if (n == 1024)
        {
            var acc = new float[4, lanes];
            for (int i = 0; i < n; i += 4 * lanes)
                for (int k = 0; k < 4; k++)
                    for (int l = 0; l < lanes; l++) acc[k, l] += x[i + k * lanes + l];
            for (int l = 0; l < lanes; l++) v[l] = (acc[0, l] + acc[1, l]) + (acc[2, l] + acc[3, l]);
        }
        else
        {
            var t0 = new float[lanes];
            int i = 0;
            for (; i <= n - lanes; i += lanes)
                for (int l = 0; l < lanes; l++) t0[l] += x[i + l];
            int valid = n - i;
            for (int l = 0; l < lanes; l++)
                v[l] = t0[l] + (valid > 0 && l >= lanes - valid ? x[n - lanes + l] : 0f);
        }
        return System.Runtime.Intrinsics.Vector512.Sum(System.Runtime.Intrinsics.Vector512.Create(v));
    }

    [Fact]
    public void SoftmaxCrossEntropyAndNormsDoNotDependOnThreadCount()
    {
        float[] x = TestData.Uniform<float>(512 * 300, -3, 3, 4), g = TestData.Uniform<float>(512 * 300, -1, 1, 5);
        SameForAllThreadCounts("softmax", () => { var d = new float[x.Length]; SoftmaxKernels.Softmax<float>(x, 512, 300, d); return d; });
        long[] t = Enumerable.Range(0, 512).Select(i => (long)(i * 13 % 300)).ToArray();
        SameForAllThreadCounts("cross entropy", () =>
        {
            var loss = new float[512]; var logp = new float[x.Length]; var grad = new float[x.Length];
            float denom = CrossEntropyKernels.Forward<float>(x, 512, 300, t, default, -100, 0.1f, loss, logp);
            CrossEntropyKernels.Backward<float>(logp, 512, 300, t, default, -100, 0.1f, 1f / denom, grad);
            return loss.Concat(grad).ToArray();
        });
        SameForAllThreadCounts("layer norm backward", () =>
        {
            var y = new float[x.Length]; var mean = new float[512]; var rstd = new float[512];
            var dx = new float[x.Length]; var dgamma = new float[300]; var dbeta = new float[300];
            float[] gamma = TestData.Uniform<float>(300, 0.5, 1.5, 6);
            LayerNormKernels.Forward<float>(x, 512, 300, gamma, default, 1e-5f, y, mean, rstd);
            LayerNormKernels.Backward<float>(g, x, 512, 300, mean, rstd, gamma, dx, dgamma, dbeta);
            return dx.Concat(dgamma).Concat(dbeta).ToArray();
        });
        SameForAllThreadCounts("batch norm", () =>
        {
            var y = new float[x.Length]; var mean = new float[30]; var invstd = new float[30];
            var dx = new float[x.Length]; var dgamma = new float[30]; var dbeta = new float[30];
            BatchNormKernels.ForwardTraining<float>(x, 512, 30, 10, default, default, 1e-5f, 0.1f, default, default, y, mean, invstd);
            BatchNormKernels.BackwardTraining<float>(g, x, 512, 30, 10, default, mean, invstd, dx, dgamma, dbeta);
            return y.Concat(dx).Concat(dgamma).ToArray();
        });
    }
}
