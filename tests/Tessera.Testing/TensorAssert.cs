using Xunit;

namespace Tessera.Testing;

/// <summary>Elementwise comparisons with explicit tolerances: |a − e| ≤ atol + rtol·|e|, NaN equal to NaN.</summary>
public static class TensorAssert
{
    /// <summary>Asserts shape equality and closeness of every element.</summary>
    public static void Close(double[] expected, Tensor actual, double atol, double rtol, string? what = null, int[]? expectedShape = null)
    {
        if (expectedShape is not null)
            Assert.True(expectedShape.AsSpan().SequenceEqual(actual.Shape), $"{what}: shape [{string.Join(", ", actual.ShapeArray())}] != expected [{string.Join(", ", expectedShape)}]");
        Close(expected, actual.ToDoubleArray(), atol, rtol, what);
    }

    /// <summary>Asserts closeness of two arrays element by element.</summary>
    public static void Close(double[] expected, double[] actual, double atol, double rtol, string? what = null)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} elements, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (double.IsInfinity(e) && e == a) continue;
            double diff = Math.Abs(a - e);
            if (!(diff <= atol + rtol * Math.Abs(e)))
                Assert.Fail($"{what}: element {i} is {a:R}, expected {e:R} (|diff| {diff:E2} > {atol} + {rtol}·|expected|)");
        }
    }
}
