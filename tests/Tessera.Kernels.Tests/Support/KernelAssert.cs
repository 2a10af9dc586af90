using System.Numerics;

namespace Tessera.Kernels.Tests.Support;

/// <summary>Elementwise comparisons with explicit tolerances and a useful failure message.</summary>
internal static class KernelAssert
{
    /// <summary>|actual - expected| &lt;= abs + rel * |expected| for every element; NaN must match NaN, infinities must match exactly.</summary>
    public static void Close<T>(ReadOnlySpan<double> expected, ReadOnlySpan<T> actual, double rel, double abs, string what)
        where T : INumberBase<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = double.CreateTruncating(actual[i]);
            if (double.IsNaN(e) || double.IsNaN(a))
            {
                if (double.IsNaN(e) != double.IsNaN(a))
                    Assert.Fail($"{what}: element {i} of {expected.Length}: expected {e:R}, got {a:R}");
                continue;
            }
            if (double.IsInfinity(e) || double.IsInfinity(a))
            {
                if (e != a) Assert.Fail($"{what}: element {i} of {expected.Length}: expected {e:R}, got {a:R}");
                continue;
            }
            double tol = abs + rel * Math.Abs(e);
            if (!(Math.Abs(a - e) <= tol))
                Assert.Fail($"{what}: element {i} of {expected.Length}: expected {e:R}, got {a:R} (|diff| {Math.Abs(a - e):E3} > tol {tol:E3})");
        }
    }

    /// <summary>Bitwise-equal values (NaN equals NaN).</summary>
    public static void Same<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what) where T : INumberBase<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            T e = expected[i], a = actual[i];
            bool same = e.Equals(a) || (T.IsNaN(e) && T.IsNaN(a));
            if (!same) Assert.Fail($"{what}: element {i} of {expected.Length}: expected {e}, got {a}");
        }
    }

    public static void Close(double expected, double actual, double rel, double abs, string what)
    {
        if (double.IsNaN(expected) && double.IsNaN(actual)) return;
        if (expected == actual) return;
        double tol = abs + rel * Math.Abs(expected);
        if (!(Math.Abs(actual - expected) <= tol))
            Assert.Fail($"{what}: expected {expected:R}, got {actual:R} (|diff| {Math.Abs(actual - expected):E3} > tol {tol:E3})");
    }
}
