namespace Tessera.Models.Tests;

/// <summary>
/// Plain-loop reference layers in double precision, written from the PyTorch definitions and sharing no
/// code with Tessera's ops: the models are checked against these, not against the calls they make.
/// Arrays are dense row-major; shapes are in the comments.
/// </summary>
internal static class ScalarReference
{
    /// <summary>y = x·Wᵀ + b. x (n, in), w (out, in), b (out) → (n, out).</summary>
    public static double[] Linear(double[] x, int n, float[] w, float[] b, int inF, int outF)
    {
        var y = new double[n * outF];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outF; o++)
            {
                double s = b[o];
                for (int k = 0; k < inF; k++) s += x[i * inF + k] * w[o * inF + k];
                y[i * outF + o] = s;
            }
        return y;
    }

    /// <summary>Cross-correlation with zero padding, stride 1. x (n, c, h, w), w (o, c, k, k), b (o) → (n, o, h', w').</summary>
    public static double[] Conv2d(double[] x, int n, int c, int h, int wd, float[] w, float[] b, int o, int k, int pad,
        out int oh, out int ow)
    {
        oh = h + 2 * pad - k + 1;
        ow = wd + 2 * pad - k + 1;
        var y = new double[n * o * oh * ow];
        for (int ni = 0; ni < n; ni++)
            for (int oc = 0; oc < o; oc++)
                for (int r = 0; r < oh; r++)
                    for (int q = 0; q < ow; q++)
                    {
                        double s = b[oc];
                        for (int ic = 0; ic < c; ic++)
                            for (int kr = 0; kr < k; kr++)
                                for (int kq = 0; kq < k; kq++)
                                {
                                    int ir = r + kr - pad, iq = q + kq - pad;
                                    if (ir < 0 || ir >= h || iq < 0 || iq >= wd) continue;
                                    s += x[((ni * c + ic) * h + ir) * wd + iq] * w[((oc * c + ic) * k + kr) * k + kq];
                                }
                        y[((ni * o + oc) * oh + r) * ow + q] = s;
                    }
        return y;
    }

    /// <summary>2×2 max pooling, stride 2, floor mode. x (n, c, h, w) → (n, c, h/2, w/2).</summary>
    public static double[] MaxPool2x2(double[] x, int n, int c, int h, int w)
    {
        int oh = h / 2, ow = w / 2;
        var y = new double[n * c * oh * ow];
        for (int p = 0; p < n * c; p++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++)
                {
                    double m = double.NegativeInfinity;
                    for (int dr = 0; dr < 2; dr++)
                        for (int dq = 0; dq < 2; dq++)
                            m = Math.Max(m, x[(p * h + 2 * r + dr) * w + 2 * q + dq]);
                    y[(p * oh + r) * ow + q] = m;
                }
        return y;
    }

    /// <summary>max(x, 0), element by element.</summary>
    public static double[] Relu(double[] x) => x.Select(v => Math.Max(v, 0.0)).ToArray();

    /// <summary>
    /// The gradient of mean cross-entropy with respect to the logits: (softmax(z) − onehot(y)) / n.
    /// z (n, classes), y (n) → (n, classes).
    /// </summary>
    public static double[] CrossEntropyGrad(double[] z, long[] y, int classes)
    {
        int n = y.Length;
        var g = new double[z.Length];
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < classes; c++) max = Math.Max(max, z[i * classes + c]);
            for (int c = 0; c < classes; c++) sum += Math.Exp(z[i * classes + c] - max);
            for (int c = 0; c < classes; c++)
                g[i * classes + c] = (Math.Exp(z[i * classes + c] - max) / sum - (c == y[i] ? 1 : 0)) / n;
        }
        return g;
    }
}
