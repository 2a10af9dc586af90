using System.Runtime.Intrinsics.X86;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// A micro-kernel and its tile shape. A kernel computes
/// C(MR, NR) = alpha·A(MR, kc)·B(kc, NR) + beta·C, not reading C when beta is 0, where
/// B(p, j) = b[p·bStep + j] and, for <see cref="Run"/>, A(r, p) = a[p·aStep + r]
/// (a packed panel has aStep = MR; a transposed A can be read in place with aStep = lda).
/// </summary>
internal readonly unsafe struct SgemmMicroKernel
{
    /// <summary>Rows of the C tile (height of an A micro-panel).</summary>
    public readonly int MR;

    /// <summary>Columns of the C tile (width of a B micro-panel).</summary>
    public readonly int NR;

    /// <summary>(kc, a, aStep, b, bStep, c, ldc, alpha, beta) with A(r, p) = a[p·aStep + r].</summary>
    public readonly delegate*<int, float*, nint, float*, nint, float*, nint, float, float, void> Run;

    /// <summary>
    /// (kc, a, lda, b, bStep, c, ldc, alpha, beta) with A(r, p) = a[r·lda + p]: reads a row-major A
    /// in place. Null when this instruction set has no such variant.
    /// </summary>
    public readonly delegate*<int, float*, nint, float*, nint, float*, nint, float, float, void> RunRows;

    /// <summary>
    /// Variants of <see cref="Run"/> and <see cref="RunRows"/> for a tile NR/2 wide, used for a last
    /// column panel of at most NR/2 (halving the padded work there). Null when absent.
    /// </summary>
    public readonly delegate*<int, float*, nint, float*, nint, float*, nint, float, float, void> RunNarrow, RunRowsNarrow;

    private SgemmMicroKernel(int mr, int nr,
        delegate*<int, float*, nint, float*, nint, float*, nint, float, float, void> run,
        delegate*<int, float*, nint, float*, nint, float*, nint, float, float, void> runRows,
        delegate*<int, float*, nint, float*, nint, float*, nint, float, float, void> runNarrow = null,
        delegate*<int, float*, nint, float*, nint, float*, nint, float, float, void> runRowsNarrow = null)
    {
        MR = mr;
        NR = nr;
        Run = run;
        RunRows = runRows;
        RunNarrow = runNarrow;
        RunRowsNarrow = runRowsNarrow;
    }

    /// <summary>
    /// Forces an instruction-set path (tests use this to cover every kernel on one machine).
    /// <see cref="GemmIsa.Auto"/> picks the best supported one.
    /// </summary>
    internal static GemmIsa ForcedIsa { get; set; } = GemmIsa.Auto;

    /// <summary>The path <see cref="GemmIsa.Auto"/> resolves to on this machine.</summary>
    public static GemmIsa BestIsa { get; } =
        Avx512F.IsSupported ? GemmIsa.Avx512
        : Fma.IsSupported && Avx2.IsSupported ? GemmIsa.Avx2
        : GemmIsa.Portable;

    /// <summary>Picks the kernel for a problem with <paramref name="m"/> rows of C.</summary>
    public static SgemmMicroKernel Select(int m)
    {
        GemmIsa isa = ForcedIsa == GemmIsa.Auto ? BestIsa : ForcedIsa;
        switch (isa)
        {
            case GemmIsa.Avx512:
                // Both tiles run at the same speed per FMA; prefer the one that pads fewer rows
                // (8 fits the 64/128-row training batches exactly, 12 has less B traffic).
                int pad12 = (m + 11) / 12 * 12, pad8 = (m + 7) / 8 * 8;
                return pad12 <= pad8
                    ? new SgemmMicroKernel(12, SgemmKernelAvx512.NR, &SgemmKernelAvx512.Kernel12x32, null,
                        &SgemmKernelAvx512.Kernel12x16, null)
                    : new SgemmMicroKernel(8, SgemmKernelAvx512.NR, &SgemmKernelAvx512.Kernel8x32, &SgemmKernelAvx512.KernelRows8x32,
                        &SgemmKernelAvx512.Kernel8x16, &SgemmKernelAvx512.KernelRows8x16);
            case GemmIsa.Avx2:
                return new SgemmMicroKernel(SgemmKernelAvx2.MR, SgemmKernelAvx2.NR, &SgemmKernelAvx2.Kernel6x16, null);
            default:
                return new SgemmMicroKernel(SgemmKernelPortable.MR, SgemmKernelPortable.NR, &SgemmKernelPortable.Kernel4x8, null);
        }
    }
}
