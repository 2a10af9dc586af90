using System.Numerics;

namespace Tessera.Kernels.Tests.Support;

/// <summary>Deterministic inputs and the length table every elementwise kernel is checked at.</summary>
internal static class TestData
{
    /// <summary>Empty, tiny, around the 16/32/64-lane boundaries, and past the 2 * 32K parallel threshold.</summary>
    public static readonly int[] Lengths = [0, 1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 100003];

    public static T[] Uniform<T>(int n, double lo, double hi, int seed) where T : INumberBase<T>
    {
        var r = new Random(seed);
        var a = new T[n];
        for (int i = 0; i < n; i++) a[i] = T.CreateTruncating(lo + (hi - lo) * r.NextDouble());
        return a;
    }

    public static double[] ToDouble<T>(T[] a) where T : INumberBase<T>
    {
        var d = new double[a.Length];
        for (int i = 0; i < a.Length; i++) d[i] = double.CreateTruncating(a[i]);
        return d;
    }
}
