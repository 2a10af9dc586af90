using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tessera.Kernels.Operators;

/// <summary>
/// Scalar special functions the BCL lacks: erf, erfc and the normal CDF in double precision
/// (about 1e-16 relative), used by scalar paths and by the double kernels.
/// </summary>
/// <remarks>
/// erf(x) = x * P(x^2) for |x| &lt;= 1. For 1 &lt; |x| &lt; 6, erfc(|x|) = e^(-x^2) * Q_i(|x| - c_i) on ten
/// intervals of width 0.5 centred at c_i; beyond 6 a continued fraction replaces Q. Coefficients
/// were fitted for this project with mpmath (Chebyshev fits, highest power first). e^(-x^2) is
/// formed from an exact two-part x^2, so erfc and the normal CDF keep relative accuracy in the tail.
/// </remarks>
internal static class ScalarMath
{
    private static ReadOnlySpan<double> ErfP =>
    [
        -7.795898827002142e-10, 1.3720064546777686e-08, -1.6208483801871705e-07, 1.6447424703317362e-06, -1.492473690741966e-05, 0.00012055294904839707, -0.0008548325975389692, 0.0052239776071164225, -0.02686617064323777, 0.11283791670945006, -0.37612638903183543, 1.1283791670955126
    ];

    private const int QDegree = 12;

    private static ReadOnlySpan<double> ErfcQ =>
    [
        5.494065543139676e-06, -1.7678831244654092e-05, 5.404634674114516e-05, -0.00016293376713169493, 0.00047397059996488885, -0.0013257839153641357, 0.0035531098979445968, -0.00908162761495057, 0.022011364250898474, -0.05021827439604813, 0.1067955714965987, -0.20882187596460952, 0.3678229164523611,
        8.39673108255344e-07, -2.974613371329766e-06, 1.0085700886432653e-05, -3.375169827943583e-05, 0.00010950532535839581, -0.0003435334907935854, 0.001039204521771997, -0.0030209746489200107, 0.008404319207334107, -0.022259995241407905, 0.055763630087087256, -0.13097634551448517, 0.2849722347374364,
        1.513275262314643e-07, -5.883282657263032e-07, 2.2028736439181116e-06, -8.149680629782392e-06, 2.935325293033614e-05, -0.00010272110378129762, 0.00034853542194411975, -0.0011437284832410775, 0.003618995354358873, -0.011002060756443272, 0.03199262741070626, -0.08848650280874915, 0.23108725873039188,
        3.154240525304326e-08, -1.3409717925357684e-07, 5.519497472530419e-07, -2.247258217659835e-06, 8.94015702656911e-06, -3.469861390256048e-05, 0.00013118180051258774, -0.00048219508490217707, 0.0017195818852893537, -0.005934337896998593, 0.019758592987322864, -0.06323763756063484, 0.1936620962790687,
        7.473515083453452e-09, -3.461092986503599e-08, 1.55875909609557e-07, -6.951829419877967e-07, 3.038832184266302e-06, -1.3004641208345163e-05, 5.442040880865225e-05, -0.00022238256955127845, 0.0008860045775342997, -0.0034354713009077083, 0.012937290883018157, -0.047199402321170376, 0.16633534842682188,
        1.9823652868290862e-09, -9.961826954534107e-09, 4.8863636510279795e-08, -2.3759423794738363e-07, 1.1353256487867213e-06, -5.326673020293777e-06, 2.4516325375676303e-05, -0.00011057957492007991, 0.0004882223820955738, -0.002107282870169143, 0.008878755527325298, -0.03645625753272353, 0.14558972127503855,
        5.808766776630088e-10, -3.1551582167171534e-09, 1.6780538925852964e-08, -8.855269071293397e-08, 4.6026024710607385e-07, -2.354600698283172e-06, 1.1848093644260273e-05, -5.859550021221337e-05, 0.00028457515684016734, -0.0013559331671041072, 0.006331866273872749, -0.028944331414615332, 0.12934527478598792,
        1.858659113672633e-10, -1.087124908585495e-09, 6.242351002216837e-09, -3.559524950728184e-08, 2.0029197311131203e-07, -1.1115677387620727e-06, 6.08111455032793e-06, -3.277578113429118e-05, 0.00017392830404065545, -0.0009080988970296932, 0.00466132636897234, -0.02350344859816315, 0.11630270721024731,
        6.42955847935231e-11, -4.0348916631902254e-10, 2.491353204776191e-09, -1.5287462534906585e-08, 9.271691439756373e-08, -5.555581062944262e-07, 3.287547680200604e-06, -1.9204078671960366e-05, 0.00011068405606902251, -0.0006291014910425442, 0.003524150940111397, -0.01944544467214865, 0.1056127354688918,
        2.383793968233468e-11, -1.59955785935141e-10, 1.0580359624814072e-09, -6.95953003205739e-09, 4.530783943539276e-08, -2.918382133154794e-07, 1.8593010710393846e-06, -1.171241489774827e-05, 7.292428887540696e-05, -0.00044859569827805613, 0.002725273842849635, -0.016343218143802483, 0.09669877816971392
    ];

    /// <summary>The error function.</summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (a <= 1.0)
            return x * Horner(ErfP, x * x);
        if (a < 6.0)
            return Math.CopySign(1.0 - Erfc(a), x);
        return double.IsNaN(x) ? x : Math.CopySign(1.0, x);
    }

    /// <summary>The complementary error function 1 - erf(x), accurate in the right tail.</summary>
    public static double Erfc(double x)
    {
        double a = Math.Abs(x);
        double hi = a * a;
        return Erfc(x, hi, Math.FusedMultiplyAdd(a, a, -hi));
    }

    // erfc(x) given x^2 = squareHi + squareLo exactly (so e^(-x^2) keeps full relative accuracy).
    private static double Erfc(double x, double squareHi, double squareLo)
    {
        double a = Math.Abs(x);
        double tail;
        if (a <= 1.0) return 1.0 - x * Horner(ErfP, x * x);
        double e = Math.Exp(-squareHi);
        e -= e * squareLo;
        if (a < 6.0) tail = e * ErfcTailFactor(a);
        else if (double.IsNaN(x)) return x;
        else tail = a > 27.3 ? 0.0 : e * ErfcContinuedFraction(a);
        return x > 0 ? tail : 2.0 - tail;
    }

    /// <summary>
    /// Standard normal CDF, Phi(x) = erfc(-x/sqrt2)/2. The Gaussian factor is formed from x^2/2
    /// (split exactly) rather than from the rounded x/sqrt2, so the far left tail stays accurate.
    /// </summary>
    public static double NormalCdf(double x)
    {
        double hi = x * x;
        double lo = Math.FusedMultiplyAdd(x, x, -hi);
        return 0.5 * Erfc(-x * 0.70710678118654752440, 0.5 * hi, 0.5 * lo);
    }

    /// <summary>erf in float, computed in double.</summary>
    public static float Erf(float x) => (float)Erf((double)x);

    /// <summary>Generic erf: float and double are exact to their precision; other types go through double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Erf<T>(T x) where T : INumberBase<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)Erf((float)(object)x);
        return T.CreateTruncating(Erf(double.CreateTruncating(x)));
    }

    /// <summary>Generic normal CDF (computed in double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T NormalCdf<T>(T x) where T : INumberBase<T> => T.CreateTruncating(NormalCdf(double.CreateTruncating(x)));

    /// <summary>Standard normal density e^(-x^2/2)/sqrt(2 pi), generic (computed in double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T NormalPdf<T>(T x) where T : INumberBase<T>
    {
        double d = double.CreateTruncating(x);
        return T.CreateTruncating(Math.Exp(-0.5 * d * d) * 0.39894228040143267794);
    }

    /// <summary>log(1 + e^(-|x|)), accurate when e^(-|x|) is far below the epsilon of 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log1pExpNegAbs<T>(T x) where T : IFloatingPointIeee754<T>
    {
        T u = T.Exp(-T.Abs(x));
        T w = T.One + u;
        return T.Log(w) - ((w - T.One) - u) / w;
    }

    // erfc(a) * e^(a^2) for 1 < a < 6 from the interval tables.
    private static double ErfcTailFactor(double a)
    {
        int i = Math.Min((int)((a - 1.0) * 2.0), 9);
        double s = a - (1.25 + 0.5 * i);
        return Horner(ErfcQ.Slice(i * (QDegree + 1), QDegree + 1), s);
    }

    // erfc(a) * e^(a^2) for a >= 6 by the continued fraction 1/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))),
    // evaluated bottom-up; 40 terms are far more than enough this far out.
    private static double ErfcContinuedFraction(double a)
    {
        double f = a;
        for (int k = 40; k >= 1; k--) f = a + (0.5 * k) / f;
        return 1.0 / (1.7724538509055160273 * f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Horner(ReadOnlySpan<double> c, double x)
    {
        double r = c[0];
        for (int k = 1; k < c.Length; k++) r = Math.FusedMultiplyAdd(r, x, c[k]);
        return r;
    }
}
