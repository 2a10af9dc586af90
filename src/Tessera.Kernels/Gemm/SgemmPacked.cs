using System.Runtime.CompilerServices;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// The cache-blocked, packed GEMM over one rectangular region of C, run by one thread.
/// See <see cref="GemmBlocking"/> for the loop nest.
/// </summary>
/// <remarks>
/// Every element of C receives its K blocks in ascending order, each a straight FMA chain over
/// the block, so the result depends on k (which fixes the K blocking) but not on the region
/// boundaries: splitting C over threads does not change any bit.
/// </remarks>
internal static unsafe class SgemmPacked
{
    /// <summary>Computes rows [m0, m1) × columns [n0, n1) of C.</summary>
    [SkipLocalsInit]
    public static void Run(in SgemmProblem p, SgemmMicroKernel kernel, int m0, int m1, int n0, int n1)
    {
        int mr = kernel.MR, nr = kernel.NR;
        int kcMax = KBlock(p.K);
        int mcMax = GemmBlocking.BalancedBlock(m1 - m0, GemmBlocking.MaxMC, mr);
        int ncMax = GemmBlocking.BalancedBlock(n1 - n0, GemmBlocking.MaxNC, nr);
        GemmWorkspace ws = GemmWorkspace.Current;
        float* packA = (float*)ws.A((nuint)(RoundUp(mcMax, mr) * (long)kcMax * sizeof(float)));
        float* packB = (float*)ws.B((nuint)(RoundUp(ncMax, nr) * (long)kcMax * sizeof(float)));
        float* tile = stackalloc float[mr * nr];
        var run = kernel.Run;

        for (int pc = 0; pc < p.K; pc += kcMax)
        {
            int kc = Math.Min(kcMax, p.K - pc);
            float beta = pc == 0 ? p.Beta : 1f;
            for (int ic = m0; ic < m1; ic += mcMax)
            {
                int mc = Math.Min(mcMax, m1 - ic);
                SgemmPacking.PackA(p.TransA, p.A, p.Lda, ic, mc, pc, kc, mr, packA);
                for (int jc = n0; jc < n1; jc += ncMax)
                {
                    int nc = Math.Min(ncMax, n1 - jc);
                    SgemmPacking.PackB(p.TransB, p.B, p.Ldb, pc, kc, jc, nc, nr, packB);
                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        int rows = Math.Min(mr, mc - ir);
                        float* ap = packA + (nint)ir * kc;
                        float* cRow = p.C + (ic + ir) * p.Ldc + jc;
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int cols = Math.Min(nr, nc - jr);
                            float* bp = packB + (nint)jr * kc;
                            if (rows == mr && cols == nr)
                            {
                                run(kc, ap, bp, cRow + jr, p.Ldc, p.Alpha, beta);
                            }
                            else
                            {
                                run(kc, ap, bp, tile, nr, 1f, 0f);
                                SgemmEdge.Store(tile, nr, cRow + jr, p.Ldc, rows, cols, p.Alpha, beta);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>K block size: a function of k alone, which keeps results independent of threading.</summary>
    public static int KBlock(int k) => GemmBlocking.BalancedBlock(k, GemmBlocking.MaxKC, 8);

    private static long RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * (long)multiple;
}
