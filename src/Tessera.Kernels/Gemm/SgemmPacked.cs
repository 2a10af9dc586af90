using System.Runtime.CompilerServices;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// The cache-blocked GEMM over one rectangular region of C, run by one thread.
/// See <see cref="GemmBlocking"/> for the loop nest.
/// </summary>
/// <remarks>
/// Operands are normally packed. When an operand would be reused only a few times (skinny
/// products: few B panels per A panel, or few A panels per B panel), packing costs more than it
/// saves, so full micro-panels are read in place instead (A transposed or row-major, B not
/// transposed) and only the ragged edge panel is packed.
/// Every element of C receives its K blocks in ascending order, each a straight FMA chain over
/// the block, so the result depends on k (which fixes the K blocking) but not on the region
/// boundaries nor on packed-versus-in-place reads: splitting C over threads changes no bit.
/// </remarks>
internal static unsafe class SgemmPacked
{
    /// <summary>Computes rows [m0, m1) × columns [n0, n1) of C.</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Run(in SgemmProblem p, SgemmMicroKernel kernel, int m0, int m1, int n0, int n1)
    {
        int mr = kernel.MR, nr = kernel.NR;
        (bool directA, bool directB) = ReadInPlace(p, kernel, m1 - m0, n1 - n0);
        int kcMax = KBlock(p.K);
        int mcMax = GemmBlocking.BalancedBlock(m1 - m0, GemmBlocking.MaxMC, mr);
        int ncMax = GemmBlocking.BalancedBlock(n1 - n0, GemmBlocking.MaxNC, nr);
        GemmWorkspace ws = GemmWorkspace.Current;
        float* packA = (float*)ws.A((nuint)(RoundUp(directA ? mr : mcMax, mr) * (long)kcMax * sizeof(float)));
        float* packB = (float*)ws.B((nuint)(RoundUp(directB ? nr : ncMax, nr) * (long)kcMax * sizeof(float)));
        float* tile = stackalloc float[mr * nr];

        for (int pc = 0; pc < p.K; pc += kcMax)
        {
            int kc = Math.Min(kcMax, p.K - pc);
            float beta = pc == 0 ? p.Beta : 1f;
            for (int ic = m0; ic < m1; ic += mcMax)
            {
                int mc = Math.Min(mcMax, m1 - ic);
                // Rows [0, inPlaceRows) of this block are read from A itself; the rest are packed.
                int inPlaceRows = directA ? mc / mr * mr : 0;
                if (inPlaceRows < mc)
                    SgemmPacking.PackA(p.TransA, p.A, p.Lda, ic + inPlaceRows, mc - inPlaceRows, pc, kc, mr, packA);
                for (int jc = n0; jc < n1; jc += ncMax)
                {
                    int nc = Math.Min(ncMax, n1 - jc);
                    int inPlaceCols = directB ? nc / nr * nr : 0;
                    // A last panel of at most NR/2 columns runs the half-width kernel.
                    int rem = nc % nr;
                    bool narrowLast = kernel.RunNarrow != null && rem > 0 && rem <= nr / 2;
                    int wideEnd = narrowLast ? nc - rem : nc;
                    if (inPlaceCols < wideEnd)
                        SgemmPacking.PackB(p.TransB, p.B, p.Ldb, pc, kc, jc + inPlaceCols, wideEnd - inPlaceCols, nr, packB);
                    if (narrowLast)
                        SgemmPacking.PackB(p.TransB, p.B, p.Ldb, pc, kc, jc + wideEnd, rem, nr / 2, packB + (nint)(wideEnd - inPlaceCols) * kc);
                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        int rows = Math.Min(mr, mc - ir);
                        bool aInPlace = ir < inPlaceRows;
                        bool aRowMajor = aInPlace && !p.TransA;
                        float* ap;
                        nint aStep;
                        if (!aInPlace) { ap = packA + (nint)(ir - inPlaceRows) * kc; aStep = mr; }
                        else if (p.TransA) { ap = p.A + pc * p.Lda + ic + ir; aStep = p.Lda; }
                        else { ap = p.A + (ic + ir) * p.Lda + pc; aStep = p.Lda; }
                        float* cRow = p.C + (ic + ir) * p.Ldc + jc;
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int cols = Math.Min(nr, nc - jr);
                            bool narrow = narrowLast && jr == wideEnd;
                            int width = narrow ? nr / 2 : nr;
                            float* bp;
                            nint bStep;
                            if (jr < inPlaceCols) { bp = p.B + pc * p.Ldb + jc + jr; bStep = p.Ldb; }
                            else { bp = packB + (nint)(jr - inPlaceCols) * kc; bStep = width; }
                            bool full = rows == mr && cols == width;
                            float* cp = full ? cRow + jr : tile;
                            nint ldc = full ? p.Ldc : width;
                            float alpha = full ? p.Alpha : 1f, b = full ? beta : 0f;
                            var run = narrow
                                ? (aRowMajor ? kernel.RunRowsNarrow : kernel.RunNarrow)
                                : (aRowMajor ? kernel.RunRows : kernel.Run);
                            run(kc, ap, aStep, bp, bStep, cp, ldc, alpha, b);
                            if (!full) SgemmEdge.Store(tile, width, cRow + jr, p.Ldc, rows, cols, p.Alpha, beta);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether a thread computing a (rows, cols) region reads full A / B micro-panels in place
    /// rather than packing them (see <see cref="GemmBlocking.DirectAMaxN"/> and neighbours).
    /// </summary>
    public static (bool DirectA, bool DirectB) ReadInPlace(in SgemmProblem p, SgemmMicroKernel kernel, int rows, int cols)
    {
        bool directA = (p.TransA || kernel.RunRows != null) && cols <= GemmBlocking.DirectAMaxN;
        bool directB = !p.TransB && rows <= GemmBlocking.DirectBMaxM
            && (long)KBlock(p.K) * p.Ldb * sizeof(float) <= GemmBlocking.DirectBMaxSpan;
        return (directA, directB);
    }

    /// <summary>K block size: a function of k alone, which keeps results independent of threading.</summary>
    public static int KBlock(int k) => GemmBlocking.BalancedBlock(k, GemmBlocking.MaxKC, 8);

    private static long RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * (long)multiple;
}
