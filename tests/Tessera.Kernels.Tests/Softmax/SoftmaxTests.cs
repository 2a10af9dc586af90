using Tessera.Kernels.Softmax;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Softmax;

public class SoftmaxTests
{
    public static TheoryData<int, int> Shapes() => new() { { 0, 4 }, { 3, 0 }, { 1, 1 }, { 4, 7 }, { 3, 16 }, { 5, 33 }, { 2, 1000 }, { 1024, 100 }, { 2, 40000 }, { 3, 70001 } };

    private static double[] RefSoftmax(double[] x, int rows, int cols, bool log)
    {
        var y = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            double m = double.NegativeInfinity, s = 0;
            for (int c = 0; c < cols; c++) m = Math.Max(m, x[r * cols + c]);
            for (int c = 0; c < cols; c++) s += Math.Exp(x[r * cols + c] - m);
            for (int c = 0; c < cols; c++) y[r * cols + c] = log ? x[r * cols + c] - m - Math.Log(s) : Math.Exp(x[r * cols + c] - m) / s;
        }
        return y;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardMatchesReference(int rows, int cols)
    {
        float[] xf = TestData.Uniform<float>(rows * cols, -20, 20, rows + cols);
        double[] x = TestData.ToDouble(xf);
        var yf = new float[x.Length]; var lf = new float[x.Length]; var yd = new double[x.Length]; var ld = new double[x.Length];
        SoftmaxKernels.Softmax<float>(xf, rows, cols, yf);
        SoftmaxKernels.LogSoftmax<float>(xf, rows, cols, lf);
        SoftmaxKernels.Softmax<double>(x, rows, cols, yd);
        SoftmaxKernels.LogSoftmax<double>(x, rows, cols, ld);
        double[] ry = RefSoftmax(x, rows, cols, false), rl = RefSoftmax(x, rows, cols, true);
        // Float: x - max is rounded to float, which alone costs |x - max| * 6e-8 relative in e^(x - max)
        // (2.4e-6 for this input range), plus exp and 1/sum rounding: 3e-6 relative. Log-probs: 2e-6 absolute.
        KernelAssert.Close<float>(ry, yf, 3e-6, 1e-30, $"softmax<float> {rows}x{cols}");
        KernelAssert.Close<float>(rl, lf, 1e-6, 2e-6, $"log_softmax<float> {rows}x{cols}");
        KernelAssert.Close<double>(ry, yd, 1e-13, 1e-300, $"softmax<double> {rows}x{cols}");
        KernelAssert.Close<double>(rl, ld, 1e-13, 1e-13, $"log_softmax<double> {rows}x{cols}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardMatchesReference(int rows, int cols)
    {
        double[] x = TestData.Uniform<double>(rows * cols, -5, 5, rows), g = TestData.Uniform<double>(rows * cols, -1, 1, cols);
        var y = new double[x.Length]; var l = new double[x.Length]; var dx = new double[x.Length]; var dxl = new double[x.Length];
        SoftmaxKernels.Softmax<double>(x, rows, cols, y);
        SoftmaxKernels.LogSoftmax<double>(x, rows, cols, l);
        SoftmaxKernels.SoftmaxBackward<double>(g, y, rows, cols, dx);
        SoftmaxKernels.LogSoftmaxBackward<double>(g, l, rows, cols, dxl);
        var e = new double[x.Length]; var el = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            double dot = 0, sg = 0;
            for (int c = 0; c < cols; c++) { dot += g[r * cols + c] * y[r * cols + c]; sg += g[r * cols + c]; }
            for (int c = 0; c < cols; c++)
            {
                e[r * cols + c] = y[r * cols + c] * (g[r * cols + c] - dot);
                el[r * cols + c] = g[r * cols + c] - Math.Exp(l[r * cols + c]) * sg;
            }
        }
        KernelAssert.Close<double>(e, dx, 1e-12, 1e-15, "softmax backward");
        KernelAssert.Close<double>(el, dxl, 1e-12, 1e-13, "log_softmax backward");
        var df = new float[x.Length];
        SoftmaxKernels.SoftmaxBackward<float>(Array.ConvertAll(g, v => (float)v), Array.ConvertAll(y, v => (float)v), rows, cols, df);
        KernelAssert.Close<float>(e, df, 1e-5, 1e-6, "softmax backward<float>");
    }

    [Fact]
    public void BackwardIsTheDerivativeOfForward()
    {
        // d/dx_j of L = Σ_i g_i y_i, by central differences.
        const int cols = 37;
        double[] x = TestData.Uniform<double>(cols, -3, 3, 1), g = TestData.Uniform<double>(cols, -1, 1, 2);
        foreach (bool log in new[] { false, true })
        {
            var y = new double[cols]; var dx = new double[cols];
            if (log) SoftmaxKernels.LogSoftmax<double>(x, 1, cols, y); else SoftmaxKernels.Softmax<double>(x, 1, cols, y);
            if (log) SoftmaxKernels.LogSoftmaxBackward<double>(g, y, 1, cols, dx); else SoftmaxKernels.SoftmaxBackward<double>(g, y, 1, cols, dx);
            for (int j = 0; j < cols; j++)
            {
                double L(double d)
                {
                    var xp = (double[])x.Clone(); xp[j] += d;
                    var yp = new double[cols];
                    if (log) SoftmaxKernels.LogSoftmax<double>(xp, 1, cols, yp); else SoftmaxKernels.Softmax<double>(xp, 1, cols, yp);
                    double s = 0;
                    for (int i = 0; i < cols; i++) s += g[i] * yp[i];
                    return s;
                }
                KernelAssert.Close((L(1e-6) - L(-1e-6)) / 2e-6, dx[j], 1e-6, 1e-9, $"log={log} d/dx[{j}]");
            }
        }
    }

    [Fact]
    public void InPlaceAndSpecialRows()
    {
        float ni = float.NegativeInfinity;
        float[] x = [1, 2, 3, ni, ni, ni, ni, 0, ni, float.NaN, 1, 2];
        var y = new float[12];
        SoftmaxKernels.Softmax<float>(x, 4, 3, y);
        Assert.All(y.AsSpan(3, 3).ToArray(), v => Assert.True(float.IsNaN(v)));     // all -inf: NaN (PyTorch)
        Assert.Equal(new float[] { 0, 1, 0 }, y.AsSpan(6, 3).ToArray());              // -inf entries get 0
        Assert.All(y.AsSpan(9, 3).ToArray(), v => Assert.True(float.IsNaN(v)));     // NaN poisons its row
        float[] z = TestData.Uniform<float>(3 * 70001, -5, 5, 9), copy = (float[])z.Clone(), sep = new float[z.Length];
        SoftmaxKernels.LogSoftmax<float>(z, 3, 70001, sep);
        SoftmaxKernels.LogSoftmax<float>(copy, 3, 70001, copy);
        KernelAssert.Same<float>(sep, copy, "log_softmax in place");
        SoftmaxKernels.Softmax<float>(z, 3, 70001, sep);
        SoftmaxKernels.Softmax<float>(z, 3, 70001, z);
        KernelAssert.Same<float>(sep, z, "softmax in place");
    }

    [Theory]
    [InlineData(2, 5, 3)]
    [InlineData(3, 100, 64)]
    [InlineData(1, 7, 1000)]
    [InlineData(4, 1, 9)]
    [InlineData(2, 300, 200)]
    [InlineData(3, 4, 1)]
    public void AlongAnyAxisMatchesReference(int outer, int size, int inner)
    {
        int len = outer * size * inner;
        double[] x = TestData.Uniform<double>(len, -6, 6, len), g = TestData.Uniform<double>(len, -1, 1, len + 1);
        var y = new double[len]; var l = new double[len]; var dx = new double[len]; var dxl = new double[len];
        SoftmaxKernels.Softmax<double>(x, outer, size, inner, y);
        SoftmaxKernels.LogSoftmax<double>(x, outer, size, inner, l);
        SoftmaxKernels.SoftmaxBackward<double>(g, y, outer, size, inner, dx);
        SoftmaxKernels.LogSoftmaxBackward<double>(g, l, outer, size, inner, dxl);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int At(int r) => (o * size + r) * inner + j;
                double m = double.NegativeInfinity, s = 0, dot = 0, sg = 0;
                for (int r = 0; r < size; r++) m = Math.Max(m, x[At(r)]);
                for (int r = 0; r < size; r++) s += Math.Exp(x[At(r)] - m);
                for (int r = 0; r < size; r++)
                {
                    double p = Math.Exp(x[At(r)] - m) / s;
                    KernelAssert.Close(p, y[At(r)], 1e-13, 1e-300, $"softmax[{o},{r},{j}]");
                    KernelAssert.Close(x[At(r)] - m - Math.Log(s), l[At(r)], 1e-13, 1e-13, $"log_softmax[{o},{r},{j}]");
                    dot += g[At(r)] * p;
                    sg += g[At(r)];
                }
                for (int r = 0; r < size; r++)
                {
                    double p = Math.Exp(x[At(r)] - m) / s;
                    KernelAssert.Close(p * (g[At(r)] - dot), dx[At(r)], 1e-12, 1e-15, $"softmax backward[{o},{r},{j}]");
                    KernelAssert.Close(g[At(r)] - p * sg, dxl[At(r)], 1e-12, 1e-13, $"log_softmax backward[{o},{r},{j}]");
                }
            }
    }
}
