namespace Tessera.Kernels.Gemm;

/// <summary>
/// Cache-blocking parameters of the packed single-precision GEMM, sized for a Zen 4 core
/// (L1d 32 KiB, L2 1 MiB private, L3 shared).
/// </summary>
/// <remarks>
/// Loop nest per thread over its rectangle of C (row-major C, vector lanes run along n):
/// <code>
/// for pc in k step KC            one K block; later blocks accumulate onto C
///   for ic in m step MC          pack A (MC, KC) into MR-row micro-panels      (L3)
///     for jc in n step NC        pack B (KC, NC) into NR-column micro-panels   (L2)
///       for ir in MC step MR     A micro-panel (MR, KC) stays hot in L1
///         for jr in NC step NR   B micro-panel streams from L2
///           micro-kernel: C(MR, NR) += A(MR, KC) · B(KC, NR)
/// </code>
/// Packing costs ~0.3–0.5 cycle per element (as much as ~5–8 FMAs' worth of 16 lanes), so for
/// skinny rectangles where an operand is reused only a few times its full micro-panels are read in
/// place instead (<see cref="DirectAMaxN"/>, <see cref="DirectBMaxM"/>).
/// </remarks>
internal static class GemmBlocking
{
    /// <summary>Largest K block. A 12-row A micro-panel is 12·KC·4 B = 18 KiB at 384; C is re-read once per K block.</summary>
    public const int MaxKC = 384;

    /// <summary>Largest N block (columns of packed B): KC·NC·4 B = 480 KiB, half of L2.</summary>
    public const int MaxNC = 320;

    /// <summary>Largest M block (rows of packed A): MC·KC·4 B = 2.8 MiB, an L3-resident slab.</summary>
    public const int MaxMC = 1920;

    // The three in-place thresholds are settable only so tests can force either path.

    /// <summary>
    /// A is read in place (not packed) when a thread's region has at most this many columns:
    /// each A element is then reused at most N/NR = 12 times, too few to repay a ~0.5 cycle/element pack.
    /// </summary>
    public static int DirectAMaxN { get; set; } = 384;

    /// <summary>B (not transposed) is read in place when a thread's region has at most this many rows (reuse ≤ M/MR).</summary>
    public static int DirectBMaxM { get; set; } = 512;

    /// <summary>
    /// ... and when the rows of one K block of B span at most this many bytes: beyond about half of
    /// L2, strided in-place panels miss in cache and TLB and run slower than packed ones.
    /// </summary>
    public static long DirectBMaxSpan { get; set; } = 512 * 1024;

    /// <summary>Below this many multiply-adds (m·n·k) the direct, unpacked path wins.</summary>
    public const long SmallWork = 32 * 1024;

    /// <summary>The direct path for m ≤ 4 rows is memory-bound and cheap: it is threaded only from this many multiply-adds.</summary>
    public const long SkinnyParallelWork = 64 * 1024;

    /// <summary>Products get one grid cell per thread per this many multiply-adds ...</summary>
    public const long WorkPerCell = 32L << 20;

    /// <summary>... up to this many cells per thread.</summary>
    public const int MaxCellsPerThread = 4;

    /// <summary>Below this many multiply-adds one thread is used: the fork/join would cost more than it saves.</summary>
    public const long ParallelWork = 96 * 1024;

    /// <summary>
    /// Splits <paramref name="total"/> into the fewest blocks of at most <paramref name="max"/>,
    /// of near-equal size rounded up to <paramref name="multiple"/>, so the last block is not a sliver.
    /// </summary>
    public static int BalancedBlock(int total, int max, int multiple)
    {
        if (total <= max) return total;
        int blocks = (total + max - 1) / max;
        int size = (total + blocks - 1) / blocks;
        size = (size + multiple - 1) / multiple * multiple;
        return Math.Min(size, max);
    }
}
