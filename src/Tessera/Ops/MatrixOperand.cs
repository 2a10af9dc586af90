namespace Tessera.Ops;

/// <summary>
/// A 2-D operand as GEMM sees it: <see cref="Tensor"/> is the matrix as stored (row-major, leading dimension
/// <see cref="Ld"/>), and <see cref="Transposed"/> says the operand is its transpose.
/// </summary>
internal readonly struct MatrixOperand
{
    public readonly Tensor Tensor;
    public readonly bool Transposed;
    public readonly int Ld;

    private MatrixOperand(Tensor stored, bool transposed, int ld)
    {
        Tensor = stored;
        Transposed = transposed;
        Ld = ld;
    }

    /// <summary>
    /// Describes <paramref name="t"/> (or its transpose, when <paramref name="transpose"/>) without copying when it is
    /// row-major or column-major with a usable leading dimension, so transposed views and weights reach GEMM as a flag;
    /// otherwise makes a contiguous copy (never recorded by autograd).
    /// </summary>
    public static MatrixOperand Of(Tensor t, bool transpose = false)
    {
        int rows = t.Shape[0], cols = t.Shape[1];
        long rs = t.Strides[0], cs = t.Strides[1];
        if (transpose)
        {
            (rows, cols) = (cols, rows);
            (rs, cs) = (cs, rs);
        }
        // GEMM kernels take int leading dimensions: a view stepping 2^31 or more elements per row is copied.
        if ((cs == 1 || cols <= 1) && (rows <= 1 || (rs >= Math.Max(cols, 1) && rs <= int.MaxValue)))
            return new MatrixOperand(transpose ? t.Detach().T : t, false, rows <= 1 ? Math.Max(cols, 1) : (int)rs);
        if ((rs == 1 || rows <= 1) && (cols <= 1 || (cs >= Math.Max(rows, 1) && cs <= int.MaxValue)))
            return new MatrixOperand(transpose ? t : t.Detach().T, true, cols <= 1 ? Math.Max(rows, 1) : (int)cs);
        var d = t.Detach();
        return new MatrixOperand((transpose ? d.T : d).Contiguous(), false, Math.Max(cols, 1));
    }

    public ReadOnlySpan<float> Floats => Tensor.StorageFrom<float>();
    public ReadOnlySpan<double> Doubles => Tensor.StorageFrom<double>();
}
