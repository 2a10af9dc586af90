namespace Tessera.Ops;

/// <summary>A 2-D tensor as GEMM sees it: its storage, whether it is stored transposed, and its leading dimension.</summary>
internal readonly struct MatrixOperand
{
    public readonly Tensor Tensor;
    public readonly bool Transposed;
    public readonly int Ld;

    private MatrixOperand(Tensor t, bool transposed, int ld)
    {
        Tensor = t;
        Transposed = transposed;
        Ld = ld;
    }

    /// <summary>
    /// Describes a 2-D tensor without copying when it is row-major or column-major with a usable
    /// leading dimension (so transposed views reach GEMM as a flag); otherwise makes a contiguous copy.
    /// </summary>
    public static MatrixOperand Of(Tensor t)
    {
        int rows = t.Shape[0], cols = t.Shape[1];
        long rs = t.Strides[0], cs = t.Strides[1];
        // GEMM kernels take int leading dimensions: a view stepping 2^31 or more elements per row is copied.
        if ((cs == 1 || cols <= 1) && (rows <= 1 || (rs >= Math.Max(cols, 1) && rs <= int.MaxValue)))
            return new MatrixOperand(t, false, rows <= 1 ? Math.Max(cols, 1) : (int)rs);
        if ((rs == 1 || rows <= 1) && (cols <= 1 || (cs >= Math.Max(rows, 1) && cs <= int.MaxValue)))
            return new MatrixOperand(t, true, cols <= 1 ? Math.Max(rows, 1) : (int)cs);
        return new MatrixOperand(t.Contiguous(), false, Math.Max(cols, 1));
    }

    public ReadOnlySpan<float> Floats => Tensor.StorageFrom<float>();
    public ReadOnlySpan<double> Doubles => Tensor.StorageFrom<double>();
}
