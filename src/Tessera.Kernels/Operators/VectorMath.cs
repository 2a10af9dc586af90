using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Kernels.Operators;

/// <summary>
/// Vectorised transcendental functions used by the operators. Float <c>exp</c>, <c>tanh</c>,
/// <c>erf</c> and the normal CDF are our own (range reduction plus polynomials fitted for this
/// project with mpmath); double <c>exp</c>/<c>log</c> and float <c>log</c> come from the BCL.
/// </summary>
internal static class VectorMath
{
    // ln2 split so that k*Ln2Hi is exact inside an FMA and Ln2Lo carries the rest.
    private const float Ln2HiF = 0.693147182464599609375f;
    private const float Ln2LoF = -1.904654323148236e-09f;

    // e^r = 1 + r + r^2 * q(r), q of degree 4 on |r| <= ln2/2 (highest power first).
    private const float ExpQ0 = 0.0013926926767453551f;
    private const float ExpQ1 = 0.008363774046301842f;
    private const float ExpQ2 = 0.04166654869914055f;
    private const float ExpQ3 = 0.16666573286056519f;

    // tanh(x) = x + x^3 * k(x^2) on |x| < 0.625, k of degree 5.
    private const float TanhK0 = 0.002292744816178142f;
    private const float TanhK1 = -0.008343945515839153f;
    private const float TanhK2 = 0.02176891865102821f;
    private const float TanhK3 = -0.053959259577204544f;
    private const float TanhK4 = 0.1333330355691574f;
    private const float TanhK5 = -0.3333333317214036f;

    // erf(z) = z * P(z^2) on |z| <= 1, P of degree 6.
    private const float ErfP0 = 7.875875062685488e-05f;
    private const float ErfP1 = -0.000801686428716587f;
    private const float ErfP2 = 0.005189087423433974f;
    private const float ErfP3 = -0.026854212010626412f;
    private const float ErfP4 = 0.11283594715160218f;
    private const float ErfP5 = -0.37612626666720334f;
    private const float ErfP6 = 1.1283791658483509f;

    // erfc(a) * e^{a^2} = Q(a - 2.5) on 1 <= a <= 4, Q of degree 10.
    private const float ErfQ0 = 1.6118907487327765e-06f;
    private const float ErfQ1 = -6.377862275812866e-06f;
    private const float ErfQ2 = 1.4689556825108315e-05f;
    private const float ErfQ3 = -5.3627294530688494e-05f;
    private const float ErfQ4 = 0.00021231356744280723f;
    private const float ErfQ5 = -0.0007389278863010095f;
    private const float ErfQ6 = 0.0024665085701356007f;
    private const float ErfQ7 = -0.007999388864721567f;
    private const float ErfQ8 = 0.024938056886438492f;
    private const float ErfQ9 = -0.07434759369537923f;
    private const float ErfQ10 = 0.2108063640611436f;

    // G(a) = erf(a)/a on 16 intervals of [0, 4]; GTabK[i] is the u^K coefficient on interval i.
    private static ReadOnlySpan<float> GTab5 => [-1.9011125914403237e-05f, -4.518444984569214e-05f, -4.5421118556987494e-05f, -2.4979241061373614e-05f, -6.608210014746874e-07f, 1.4062753507460002e-05f, 1.65310048032552e-05f, 1.1780571185227018e-05f, 5.7807656048680656e-06f, 1.6382092553612893e-06f, -3.0042176035749435e-07f, -8.448653829873365e-07f, -7.96314736817294e-07f, -5.987626536807511e-07f, -4.174404466539272e-07f, -2.8631868076445244e-07f];
    private static ReadOnlySpan<float> GTab4 => [0.0004142755060456693f, 0.0002449151943437755f, 7.736831321381032e-06f, -0.00017343742365483195f, -0.00023569299082737416f, -0.00019702712597791106f, -0.00011635500413831323f, -4.402919512358494e-05f, -4.976288892066805e-07f, 1.7093820133595727e-05f, 1.96926139324205e-05f, 1.6456751836813055e-05f, 1.2232128028699663e-05f, 8.732427886570804e-06f, 6.210445462784264e-06f, 4.4707462620863225e-06f];
    private static ReadOnlySpan<float> GTab3 => [0.0008652764372527599f, 0.002234159503132105f, 0.002739778021350503f, 0.0023687859065830708f, 0.0015036000404506922f, 0.0006098918966017663f, -2.1473733795573935e-05f, -0.0003329968894831836f, -0.00041048400453291833f, -0.0003693486796692014f, -0.00029208071646280587f, -0.00021875670063309371f, -0.00016148143913596869f, -0.00011993420775979757f, -9.039653377840295e-05f, -6.928523362148553e-05f];
    private static ReadOnlySpan<float> GTab2 => [-0.022852644324302673f, -0.018030954524874687f, -0.010329053737223148f, -0.0024831844493746758f, 0.0033869880717247725f, 0.006516713183373213f, 0.007317170966416597f, 0.006712587084621191f, 0.005553968250751495f, 0.0043669696897268295f, 0.0033724934328347445f, 0.002609606133773923f, 0.002043516840785742f, 0.0016248973552137613f, 0.0013119166251271963f, 0.0010741265723481774f];
    private static ReadOnlySpan<float> GTab1 => [-0.02328873798251152f, -0.06486152112483978f, -0.09347435086965561f, -0.10609735548496246f, -0.10475654900074005f, -0.09440335631370544f, -0.08025337755680084f, -0.06606873869895935f, -0.053764525800943375f, -0.0438648946583271f, -0.036164406687021255f, -0.0302190613001585f, -0.025594566017389297f, -0.021946890279650688f, -0.019024811685085297f, -0.01664930023252964f];
    private static ReadOnlySpan<float> GTab0 => [1.1225296258926392f, 1.0776450634002686f, 0.9971854090690613f, 0.896085798740387f, 0.7896784543991089f, 0.6895782351493835f, 0.6021192073822021f, 0.5290613770484924f, 0.4693392813205719f, 0.42072296142578125f, 0.3808741569519043f, 0.34780943393707275f, 0.31999683380126953f, 0.29629576206207275f, 0.2758619785308838f, 0.25806450843811035f];

    // ---------------------------------------------------------------- Vector512 (float)

    /// <summary>e^x for float lanes, max error about 1 ulp; overflows to +inf above 88.72, flushes to 0 below -103.9, NaN propagates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        // x = k*ln2 + r, |r| <= ln2/2; e^r = 1 + r + r^2*q(r) with q a degree-4 fit; result = e^r * 2^k.
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-104f)), Vector512.Create(89f));
        Vector512<float> k = Vector512.Round(x * Vector512.Create(1.44269504088896341f));
        Vector512<float> r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2HiF), x);
        r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2LoF), r);
        Vector512<float> q = Vector512.FusedMultiplyAdd(Vector512.Create(ExpQ0), r, Vector512.Create(ExpQ1));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(ExpQ2));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(ExpQ3));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(0.5f));
        Vector512<float> p = Vector512.FusedMultiplyAdd(r * r, q, r) + Vector512<float>.One;
        if (Avx512F.IsSupported)
            return Avx512F.Scale(p, k);
        // 2^k as two normal factors so k in [-151, 129] neither overflows nor underflows the exponent field.
        Vector512<int> ki = Vector512.ConvertToInt32(k);
        Vector512<int> k1 = Vector512.ShiftRightArithmetic(ki, 1);
        Vector512<int> k2 = ki - k1;
        Vector512<float> s1 = Vector512.ShiftLeft(k1 + Vector512.Create(127), 23).AsSingle();
        Vector512<float> s2 = Vector512.ShiftLeft(k2 + Vector512.Create(127), 23).AsSingle();
        return p * s1 * s2;
    }

    /// <summary>tanh for float lanes, about 2 ulp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> ax = Vector512.Abs(x);
        // |x| < 0.625: x + x^3 * k(x^2) (odd polynomial fit); otherwise 1 - 2/(e^{2|x|} + 1) with the sign restored.
        Vector512<float> u = x * x;
        Vector512<float> k = Vector512.FusedMultiplyAdd(Vector512.Create(TanhK0), u, Vector512.Create(TanhK1));
        k = Vector512.FusedMultiplyAdd(k, u, Vector512.Create(TanhK2));
        k = Vector512.FusedMultiplyAdd(k, u, Vector512.Create(TanhK3));
        k = Vector512.FusedMultiplyAdd(k, u, Vector512.Create(TanhK4));
        k = Vector512.FusedMultiplyAdd(k, u, Vector512.Create(TanhK5));
        Vector512<float> small = Vector512.FusedMultiplyAdd(x * u, k, x);
        Vector512<float> e = Exp(ax + ax);
        Vector512<float> big = Vector512<float>.One - Vector512.Create(2f) / (e + Vector512<float>.One);
        // tanh is odd, so the sign of x is the sign of the result (this also keeps tanh(-0) = -0).
        return Vector512.CopySign(Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(0.625f)), small, big), x);
    }

    /// <summary>Standard normal CDF Phi(x) = (1 + erf(x/sqrt2))/2 for float lanes (absolute error about 1e-7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> NormalCdf(Vector512<float> x) =>
        Vector512.FusedMultiplyAdd(Vector512.Create(0.5f), Erf(x * Vector512.Create(0.707106781186547524f)), Vector512.Create(0.5f));

    /// <summary>erf for float lanes: about 2 ulp relative, 1.2e-7 absolute.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Erf(Vector512<float> x)
    {
        if (Avx512F.IsSupported)
            return ErfTable(x);
        Vector512<float> az = Vector512.Abs(x);
        Vector512<float> small = ErfSmall(x);
        Vector512<float> big = Vector512.CopySign(Vector512<float>.One - ErfcTail(az, out _), x);
        return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(az, Vector512<float>.One), small, big);
    }

    // erf(z) = z * G(|z|), G(a) = erf(a)/a, from a 16-entry table: [0, 4] is cut into intervals of
    // width 1/4 and G is a degree-5 polynomial in u = 4a - i - 1/2 on interval i (fitted for this
    // project). Coefficients are gathered per lane with vpermps, so no exp and no branch; G keeps the
    // relative accuracy near 0, and |z| >= 4 is clamped (erf(4) rounds to 1 in float).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ErfTable(Vector512<float> z)
    {
        Vector512<float> a = Vector512.Min(Vector512.Abs(z), Vector512.Create(4f));
        Vector512<float> s = a * Vector512.Create(4f);
        Vector512<int> i = Vector512.Min(Vector512.ConvertToInt32Native(s), Vector512.Create(15));
        Vector512<float> u = s - Vector512.ConvertToSingle(i) - Vector512.Create(0.5f);
        Vector512<float> p = Avx512F.PermuteVar16x32(Vector512.Create(GTab5), i);
        p = Vector512.FusedMultiplyAdd(p, u, Avx512F.PermuteVar16x32(Vector512.Create(GTab4), i));
        p = Vector512.FusedMultiplyAdd(p, u, Avx512F.PermuteVar16x32(Vector512.Create(GTab3), i));
        p = Vector512.FusedMultiplyAdd(p, u, Avx512F.PermuteVar16x32(Vector512.Create(GTab2), i));
        p = Vector512.FusedMultiplyAdd(p, u, Avx512F.PermuteVar16x32(Vector512.Create(GTab1), i));
        p = Vector512.FusedMultiplyAdd(p, u, Avx512F.PermuteVar16x32(Vector512.Create(GTab0), i));
        return Vector512.CopySign(a * p, z);
    }

    // erf(z) = z * P(z^2), fitted on |z| <= 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ErfSmall(Vector512<float> z)
    {
        Vector512<float> u = z * z;
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(ErfP0), u, Vector512.Create(ErfP1));
        p = Vector512.FusedMultiplyAdd(p, u, Vector512.Create(ErfP2));
        p = Vector512.FusedMultiplyAdd(p, u, Vector512.Create(ErfP3));
        p = Vector512.FusedMultiplyAdd(p, u, Vector512.Create(ErfP4));
        p = Vector512.FusedMultiplyAdd(p, u, Vector512.Create(ErfP5));
        p = Vector512.FusedMultiplyAdd(p, u, Vector512.Create(ErfP6));
        return z * p;
    }

    // erfc(a) = e^{-a^2} * Q(a) for a >= 1 (Q fitted on [1, 4], held at 4 beyond); also returns e^{-a^2}.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ErfcTail(Vector512<float> a, out Vector512<float> gauss)
    {
        // a^2 = hi + lo exactly, so e^{-a^2} keeps full relative accuracy in the far tail.
        Vector512<float> hi = a * a;
        Vector512<float> lo = Vector512.FusedMultiplyAdd(a, a, -hi);
        Vector512<float> e = Exp(-hi);
        gauss = Vector512.FusedMultiplyAdd(-e, lo, e);
        Vector512<float> s = Vector512.Min(a, Vector512.Create(4f)) - Vector512.Create(2.5f);
        Vector512<float> q = Vector512.FusedMultiplyAdd(Vector512.Create(ErfQ0), s, Vector512.Create(ErfQ1));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(ErfQ2));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(ErfQ3));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(ErfQ4));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(ErfQ5));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(ErfQ6));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(ErfQ7));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(ErfQ8));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(ErfQ9));
        q = Vector512.FusedMultiplyAdd(q, s, Vector512.Create(ErfQ10));
        return gauss * q;
    }

    // ---------------------------------------------------------------- Vector512 (generic over float/double)

    /// <summary>e^x lane-wise; float uses <see cref="Exp(Vector512{float})"/>, double the BCL routine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp<T>(Vector512<T> x) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Exp(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.Exp(x.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }

    /// <summary>Natural log lane-wise (BCL routine).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log<T>(Vector512<T> x) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector512.Log(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.Log(x.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }

    /// <summary>1 / (1 + e^-x) lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sigmoid<T>(Vector512<T> x) where T : unmanaged => Vector512<T>.One / (Vector512<T>.One + Exp(-x));

    /// <summary>
    /// log(1 + e^{-|x|}) lane-wise, accurate also when e^{-|x|} is below the epsilon of 1
    /// (the rounding of 1 + u is corrected with the classic (w - 1) - u term).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log1pExpNegAbs<T>(Vector512<T> x) where T : unmanaged
    {
        Vector512<T> u = Exp(-Vector512.Abs(x));
        Vector512<T> w = Vector512<T>.One + u;
        Vector512<T> corr = ((w - Vector512<T>.One) - u) / w;
        return Log(w) - corr;
    }

    // ---------------------------------------------------------------- Vector256 (float)

    /// <summary>e^x for float lanes, max error about 1 ulp; overflows to +inf above 88.72, flushes to 0 below -103.9, NaN propagates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // x = k*ln2 + r, |r| <= ln2/2; e^r = 1 + r + r^2*q(r) with q a degree-4 fit; result = e^r * 2^k.
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-104f)), Vector256.Create(89f));
        Vector256<float> k = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        Vector256<float> r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2HiF), x);
        r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2LoF), r);
        Vector256<float> q = Vector256.FusedMultiplyAdd(Vector256.Create(ExpQ0), r, Vector256.Create(ExpQ1));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(ExpQ2));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(ExpQ3));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(0.5f));
        Vector256<float> p = Vector256.FusedMultiplyAdd(r * r, q, r) + Vector256<float>.One;
        if (Avx512F.VL.IsSupported)
            return Avx512F.VL.Scale(p, k);
        // 2^k as two normal factors so k in [-151, 129] neither overflows nor underflows the exponent field.
        Vector256<int> ki = Vector256.ConvertToInt32(k);
        Vector256<int> k1 = Vector256.ShiftRightArithmetic(ki, 1);
        Vector256<int> k2 = ki - k1;
        Vector256<float> s1 = Vector256.ShiftLeft(k1 + Vector256.Create(127), 23).AsSingle();
        Vector256<float> s2 = Vector256.ShiftLeft(k2 + Vector256.Create(127), 23).AsSingle();
        return p * s1 * s2;
    }

    /// <summary>tanh for float lanes, about 2 ulp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> ax = Vector256.Abs(x);
        // |x| < 0.625: x + x^3 * k(x^2) (odd polynomial fit); otherwise 1 - 2/(e^{2|x|} + 1) with the sign restored.
        Vector256<float> u = x * x;
        Vector256<float> k = Vector256.FusedMultiplyAdd(Vector256.Create(TanhK0), u, Vector256.Create(TanhK1));
        k = Vector256.FusedMultiplyAdd(k, u, Vector256.Create(TanhK2));
        k = Vector256.FusedMultiplyAdd(k, u, Vector256.Create(TanhK3));
        k = Vector256.FusedMultiplyAdd(k, u, Vector256.Create(TanhK4));
        k = Vector256.FusedMultiplyAdd(k, u, Vector256.Create(TanhK5));
        Vector256<float> small = Vector256.FusedMultiplyAdd(x * u, k, x);
        Vector256<float> e = Exp(ax + ax);
        Vector256<float> big = Vector256<float>.One - Vector256.Create(2f) / (e + Vector256<float>.One);
        // tanh is odd, so the sign of x is the sign of the result (this also keeps tanh(-0) = -0).
        return Vector256.CopySign(Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(0.625f)), small, big), x);
    }

    /// <summary>
    /// Standard normal CDF Phi(x) = (1 + erf(x/sqrt2))/2 for float lanes, absolute error about 1e-7,
    /// relative error about 1e-6 down to x = -5.6.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NormalCdf(Vector256<float> x) => NormalCdf(x, out _);

    /// <summary>As <see cref="NormalCdf(Vector256{float})"/>, also returning e^{-x^2/2}.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NormalCdf(Vector256<float> x, out Vector256<float> gauss)
    {
        Vector256<float> z = x * Vector256.Create(0.707106781186547524f);
        Vector256<float> erfSmall = ErfSmall(z);
        Vector256<float> halfErfc = Vector256.Create(0.5f) * ErfcTail(Vector256.Abs(z), out gauss);
        Vector256<float> tail = Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), Vector256<float>.One - halfErfc, halfErfc);
        Vector256<float> small = Vector256.FusedMultiplyAdd(Vector256.Create(0.5f), erfSmall, Vector256.Create(0.5f));
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Abs(z), Vector256<float>.One), small, tail);
    }

    /// <summary>erf for float lanes, absolute error about 1.2e-7 (relative about 2e-7 for |x| &lt;= 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> x)
    {
        Vector256<float> az = Vector256.Abs(x);
        Vector256<float> small = ErfSmall(x);
        Vector256<float> big = Vector256.CopySign(Vector256<float>.One - ErfcTail(az, out _), x);
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(az, Vector256<float>.One), small, big);
    }

    // erf(z) = z * P(z^2), fitted on |z| <= 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ErfSmall(Vector256<float> z)
    {
        Vector256<float> u = z * z;
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(ErfP0), u, Vector256.Create(ErfP1));
        p = Vector256.FusedMultiplyAdd(p, u, Vector256.Create(ErfP2));
        p = Vector256.FusedMultiplyAdd(p, u, Vector256.Create(ErfP3));
        p = Vector256.FusedMultiplyAdd(p, u, Vector256.Create(ErfP4));
        p = Vector256.FusedMultiplyAdd(p, u, Vector256.Create(ErfP5));
        p = Vector256.FusedMultiplyAdd(p, u, Vector256.Create(ErfP6));
        return z * p;
    }

    // erfc(a) = e^{-a^2} * Q(a) for a >= 1 (Q fitted on [1, 4], held at 4 beyond); also returns e^{-a^2}.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ErfcTail(Vector256<float> a, out Vector256<float> gauss)
    {
        // a^2 = hi + lo exactly, so e^{-a^2} keeps full relative accuracy in the far tail.
        Vector256<float> hi = a * a;
        Vector256<float> lo = Vector256.FusedMultiplyAdd(a, a, -hi);
        Vector256<float> e = Exp(-hi);
        gauss = Vector256.FusedMultiplyAdd(-e, lo, e);
        Vector256<float> s = Vector256.Min(a, Vector256.Create(4f)) - Vector256.Create(2.5f);
        Vector256<float> q = Vector256.FusedMultiplyAdd(Vector256.Create(ErfQ0), s, Vector256.Create(ErfQ1));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(ErfQ2));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(ErfQ3));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(ErfQ4));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(ErfQ5));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(ErfQ6));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(ErfQ7));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(ErfQ8));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(ErfQ9));
        q = Vector256.FusedMultiplyAdd(q, s, Vector256.Create(ErfQ10));
        return gauss * q;
    }

    // ---------------------------------------------------------------- Vector256 (generic over float/double)

    /// <summary>e^x lane-wise; float uses <see cref="Exp(Vector256{float})"/>, double the BCL routine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> x) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Exp(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.Exp(x.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }

    /// <summary>Natural log lane-wise (BCL routine).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log<T>(Vector256<T> x) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector256.Log(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.Log(x.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }

    /// <summary>1 / (1 + e^-x) lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sigmoid<T>(Vector256<T> x) where T : unmanaged => Vector256<T>.One / (Vector256<T>.One + Exp(-x));

    /// <summary>
    /// log(1 + e^{-|x|}) lane-wise, accurate also when e^{-|x|} is below the epsilon of 1
    /// (the rounding of 1 + u is corrected with the classic (w - 1) - u term).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log1pExpNegAbs<T>(Vector256<T> x) where T : unmanaged
    {
        Vector256<T> u = Exp(-Vector256.Abs(x));
        Vector256<T> w = Vector256<T>.One + u;
        Vector256<T> corr = ((w - Vector256<T>.One) - u) / w;
        return Log(w) - corr;
    }
}
