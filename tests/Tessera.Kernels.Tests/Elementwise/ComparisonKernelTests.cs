using System.Numerics;
using Tessera.Kernels.Elementwise;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Elementwise;

public class ComparisonKernelTests
{
    private static T[] WithTiesAndNaN<T>(int n, int seed) where T : INumberBase<T>
    {
        // Few distinct values so equality is exercised; every 13th element NaN for float types.
        var r = new Random(seed);
        var a = new T[n];
        for (int i = 0; i < n; i++)
            a[i] = i % 13 == 5 && T.IsNaN(T.CreateSaturating(double.NaN)) ? T.CreateSaturating(double.NaN) : T.CreateTruncating(r.Next(-3, 4));
        return a;
    }

    private static void CheckAll<T>(int n) where T : unmanaged, INumber<T>
    {
        T[] x = WithTiesAndNaN<T>(n, n), y = WithTiesAndNaN<T>(n, n + 1);
        T s = T.One;
        var m = new byte[n];
        foreach (CompareOp op in Enum.GetValues<CompareOp>())
        {
            Func<T, T, bool> f = op switch
            {
                CompareOp.Equal => (a, b) => a == b,
                CompareOp.NotEqual => (a, b) => a != b,
                CompareOp.LessThan => (a, b) => a < b,
                CompareOp.LessThanOrEqual => (a, b) => a <= b,
                CompareOp.GreaterThan => (a, b) => a > b,
                _ => (a, b) => a >= b,
            };
            Comparisons.Compare<T>(op, x, y, m);
            for (int i = 0; i < n; i++)
                if (m[i] != (f(x[i], y[i]) ? 1 : 0)) Assert.Fail($"{op}<{typeof(T).Name}>[n={n}] at {i}: {x[i]} vs {y[i]} gave {m[i]}");
            Comparisons.Compare<T>(op, x, s, m);
            for (int i = 0; i < n; i++)
                if (m[i] != (f(x[i], s) ? 1 : 0)) Assert.Fail($"{op} scalar <{typeof(T).Name}>[n={n}] at {i}: {x[i]} vs {s} gave {m[i]}");
            Comparisons.Compare<T>(op, s, y, m);
            for (int i = 0; i < n; i++)
                if (m[i] != (f(s, y[i]) ? 1 : 0)) Assert.Fail($"{op} scalar left <{typeof(T).Name}>[n={n}] at {i}: {s} vs {y[i]} gave {m[i]}");
            // Strided: every other x against y read backwards.
            int h = n / 2;
            if (h > 0)
            {
                Comparisons.CompareStrided<T>(op, ref x[0], 2, ref y[n - 1], -1, ref m[0], h);
                for (int i = 0; i < h; i++)
                    if (m[i] != (f(x[2 * i], y[n - 1 - i]) ? 1 : 0)) Assert.Fail($"{op} strided <{typeof(T).Name}>[n={n}] at {i}: {x[2 * i]} vs {y[n - 1 - i]} gave {m[i]}");
            }
        }
    }

    [Fact]
    public void ComparisonsMatchScalarLoopsForAllTypesAndLengths()
    {
        foreach (int n in TestData.Lengths)
        {
            CheckAll<float>(n);
            CheckAll<double>(n);
            CheckAll<int>(n);
            CheckAll<long>(n);
            CheckAll<byte>(n);
        }
    }

    [Fact]
    public void NamedComparisonsAgreeWithCompare()
    {
        float[] x = [1, 2, float.NaN, 4], y = [1, 3, float.NaN, 0];
        var m = new byte[4];
        Comparisons.Equal<float>(x, y, m); Assert.Equal(new byte[] { 1, 0, 0, 0 }, m);
        Comparisons.NotEqual<float>(x, y, m); Assert.Equal(new byte[] { 0, 1, 1, 1 }, m);
        Comparisons.LessThan<float>(x, y, m); Assert.Equal(new byte[] { 0, 1, 0, 0 }, m);
        Comparisons.LessThanOrEqual<float>(x, y, m); Assert.Equal(new byte[] { 1, 1, 0, 0 }, m);
        Comparisons.GreaterThan<float>(x, y, m); Assert.Equal(new byte[] { 0, 0, 0, 1 }, m);
        Comparisons.GreaterThanOrEqual<float>(x, y, m); Assert.Equal(new byte[] { 1, 0, 0, 1 }, m);
        Comparisons.GreaterThan<float>(x, 1.5f, m); Assert.Equal(new byte[] { 0, 1, 0, 1 }, m);
    }

    private static void CheckWhere<T>(int n) where T : unmanaged, INumberBase<T>
    {
        var r = new Random(n);
        var mask = new byte[n];
        for (int i = 0; i < n; i++) mask[i] = (byte)(r.Next(3) == 0 ? 0 : r.Next(1, 256));
        T[] a = TestData.Uniform<T>(n, -5, 5, 1), b = TestData.Uniform<T>(n, -5, 5, 2);
        var got = new T[n];
        Comparisons.Where<T>(mask, a, b, got);
        for (int i = 0; i < n; i++) Assert.Equal(mask[i] != 0 ? a[i] : b[i], got[i]);
        Comparisons.Where<T>(mask, T.CreateTruncating(9), b, got);
        for (int i = 0; i < n; i++) Assert.Equal(mask[i] != 0 ? T.CreateTruncating(9) : b[i], got[i]);
        T[] inPlace = (T[])a.Clone();
        Comparisons.MaskedFill<T>(inPlace, mask, T.CreateTruncating(-7), inPlace);
        for (int i = 0; i < n; i++) Assert.Equal(mask[i] != 0 ? T.CreateTruncating(-7) : a[i], inPlace[i]);
    }

    [Fact]
    public void WhereAndMaskedFillMatchScalarLoops()
    {
        foreach (int n in TestData.Lengths)
        {
            CheckWhere<float>(n);
            CheckWhere<double>(n);
            CheckWhere<int>(n);
            CheckWhere<long>(n);
        }
    }

    [Fact]
    public void MaskLogicAndConversion()
    {
        byte[] a = [0, 1, 0, 7], b = [0, 0, 3, 1];
        var d = new byte[4];
        Comparisons.LogicalAnd(a, b, d); Assert.Equal(new byte[] { 0, 0, 0, 1 }, d);
        Comparisons.LogicalOr(a, b, d); Assert.Equal(new byte[] { 0, 1, 1, 1 }, d);
        Comparisons.LogicalXor(a, b, d); Assert.Equal(new byte[] { 0, 1, 1, 0 }, d);
        Comparisons.LogicalNot(a, d); Assert.Equal(new byte[] { 1, 0, 1, 0 }, d);
        var f = new float[4];
        Comparisons.MaskToNumber<float>(a, f);
        Assert.Equal(new float[] { 0, 1, 0, 1 }, f);
    }
}
