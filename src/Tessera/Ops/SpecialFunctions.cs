namespace Tessera.Ops;

/// <summary>Scalar special functions that the BCL lacks.</summary>
internal static class SpecialFunctions
{
    /// <summary>The error function, accurate to about 1e-15 (series for small |x|, continued fraction via erfc for large).</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax < 2.5)
        {
            // Maclaurin series: erf x = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)).
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 80; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            double r = sum * 1.1283791670955125739;
            return x < 0 ? -r : r;
        }
        double erfc = Erfc(ax);
        return x < 0 ? erfc - 1 : 1 - erfc;
    }

    /// <summary>Complementary error function for x ≥ 2.5 (Lentz continued fraction).</summary>
    private static double Erfc(double x)
    {
        if (x > 27) return 0;
        // erfc x = exp(-x²)/sqrt(pi) · 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + ...))))).
        double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 300; n++)
        {
            double an = n * 0.5;
            d = x + an * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = x + an / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / (f * 1.7724538509055160273);
    }
}
