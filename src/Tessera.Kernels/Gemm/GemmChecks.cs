namespace Tessera.Kernels.Gemm;

/// <summary>Argument validation shared by the GEMM entry points.</summary>
internal static class GemmChecks
{
    /// <summary>Rejects negative dimensions.</summary>
    public static void Shape(int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
    }

    /// <summary>Rejects a negative batch or strides.</summary>
    public static void Batch(int batch, long strideA, long strideB, long strideC)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(strideA);
        ArgumentOutOfRangeException.ThrowIfNegative(strideB);
        ArgumentOutOfRangeException.ThrowIfNegative(strideC);
    }

    /// <summary>
    /// Checks a (rows, cols) operand op(X) stored row-major with leading dimension ld (transposed:
    /// stored as (cols, rows)), repeated <paramref name="count"/> times <paramref name="stride"/> apart.
    /// </summary>
    public static void Matrix(string name, int length, bool trans, int rows, int cols, int ld, string ldName, int count, long stride)
    {
        int storedRows = trans ? cols : rows, storedCols = trans ? rows : cols;
        if (ld < Math.Max(1, storedCols))
            throw new ArgumentOutOfRangeException(ldName, ld, $"Leading dimension must be at least max(1, {storedCols}).");
        if (storedRows == 0 || storedCols == 0 || count == 0) return;
        long need = (long)(storedRows - 1) * ld + storedCols + (count - 1) * stride;
        if (length < need)
            throw new ArgumentException($"Span '{name}' has {length} elements; the described matrices need {need}.", name);
    }

    /// <summary>Rejects batched outputs that would overlap (including stride 0 with more than one product).</summary>
    public static void NoOverlap(int batch, int m, int n, int ldc, long strideC)
    {
        if (batch <= 1 || m == 0 || n == 0) return;
        long extent = (long)(m - 1) * ldc + n;
        if (strideC < extent)
            throw new ArgumentException($"strideC {strideC} is smaller than one C matrix ({extent} elements): outputs would overlap.", nameof(strideC));
    }
}
