using System.Runtime.CompilerServices;

namespace Tessera.Kernels.Gemm;

/// <summary>Writes a partial micro-tile (computed into a scratch tile) back to C.</summary>
internal static unsafe class SgemmEdge
{
    /// <summary>
    /// C[r, j] = alpha·T[r, j] + beta·C[r, j] for r &lt; rows, j &lt; cols, rounding exactly like the
    /// micro-kernels' vector update (fma(t, alpha, beta·c); alpha·t when beta is 0, C unread).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Store(float* tile, int ldt, float* c, nint ldc, int rows, int cols, float alpha, float beta)
    {
        for (int r = 0; r < rows; r++, tile += ldt, c += ldc)
        {
            if (beta == 0f)
                for (int j = 0; j < cols; j++) c[j] = tile[j] * alpha;
            else
                for (int j = 0; j < cols; j++) c[j] = MathF.FusedMultiplyAdd(tile[j], alpha, beta * c[j]);
        }
    }
}
