namespace Tessera.Kernels.Tests.Support;

/// <summary>Independent double-precision references written for the tests (not shared with the kernels).</summary>
internal static class ReferenceMath
{
    /// <summary>erf by Taylor series for |x| &lt; 2.5 and a Lentz continued fraction for erfc beyond (about 1e-14).</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a < 2.5)
        {
            // erf x = 2/sqrt(pi) Σ (-1)^k x^(2k+1) / (k! (2k+1))
            double term = a, sum = a, x2 = a * a;
            for (int k = 1; k < 200; k++)
            {
                term *= -x2 / k;
                double add = term / (2 * k + 1);
                sum += add;
                if (Math.Abs(add) < 1e-18 * Math.Abs(sum)) break;
            }
            return Math.CopySign(sum * 1.1283791670955125739, x);
        }
        return Math.CopySign(1.0 - ErfcLarge(a), x);
    }

    /// <summary>erfc for x &gt;= 2.5 by the continued fraction erfc x = e^(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))).</summary>
    public static double ErfcLarge(double x)
    {
        if (x > 27) return 0;
        // Evaluate K = x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))) from the bottom.
        double f = x;
        for (int k = 60; k >= 1; k--) f = x + (k / 2.0) / f;
        return Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * f);
    }

    public static double NormalCdf(double x) => x < -3.5 ? 0.5 * ErfcLarge(-x / Math.Sqrt(2)) : 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    public static double Gelu(double x) => x * NormalCdf(x);

    public static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    public static double Softplus(double x, double beta, double threshold) =>
        x * beta > threshold ? x : (Math.Max(x * beta, 0) + Log1p(Math.Exp(-Math.Abs(x * beta)))) / beta;

    /// <summary>log(1 + u) for u &gt;= 0: the alternating series below 0.25 (truncation below 1e-18 relative) so tiny values survive.</summary>
    public static double Log1p(double u)
    {
        if (u >= 0.25) return Math.Log(1 + u);
        double sum = 0, p = u;
        for (int k = 1; k <= 30; k++, p *= -u) sum += p / k;
        return sum;
    }
}
