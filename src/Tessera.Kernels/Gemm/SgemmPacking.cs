using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// Packs blocks of op(A) and op(B) into the contiguous micro-panel layouts the micro-kernels read,
/// folding any transpose into the copy so no transposed matrix is ever materialised.
/// </summary>
/// <remarks>
/// A block (mc, kc) becomes ⌈mc/mr⌉ panels of (kc, mr): panel[p·mr + r] = op(A)[i0 + ir + r, p0 + p].
/// B block (kc, nc) becomes ⌈nc/nr⌉ panels of (kc, nr): panel[p·nr + j] = op(B)[p0 + p, j0 + jr + j].
/// Rows/columns past the matrix edge are zero so edge tiles can run the full kernel.
/// When the source runs along the panel's short side (A not transposed, B transposed) the copy is
/// a transpose, done as 8×8 (or 4×8) register transposes.
/// </remarks>
internal static unsafe class SgemmPacking
{
    /// <summary>Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into mr-row micro-panels at <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void PackA(bool transA, float* a, nint lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + (nint)ir * kc;
            if (transA)
                // op(A)[i, p] = A[p, i]: each k step is a contiguous run of rows.
                CopyRuns(a + (nint)p0 * lda + i0 + ir, lda, kc, rows, mr, panel);
            else
                // op(A)[i, p] = A[i, p]: rows are contiguous along k, so transpose into the panel.
                Transpose(a + (nint)(i0 + ir) * lda + p0, lda, rows, kc, mr, panel);
        }
    }

    /// <summary>Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into nr-column micro-panels at <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void PackB(bool transB, float* b, nint ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (nint)jr * kc;
            if (transB)
                // op(B)[p, j] = B[j, p]: columns of op(B) are contiguous rows of B.
                Transpose(b + (nint)(j0 + jr) * ldb + p0, ldb, cols, kc, nr, panel);
            else
                CopyRuns(b + (nint)p0 * ldb + j0 + jr, ldb, kc, cols, nr, panel);
        }
    }

    /// <summary>
    /// dst[s·width + e] = src[s·ld + e] for s &lt; steps, e &lt; count; zero for count ≤ e &lt; width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void CopyRuns(float* src, nint ld, int steps, int count, int width, float* dst)
    {
        if (count == width && width == 32 && Vector512.IsHardwareAccelerated)
        {
            for (int s = 0; s < steps; s++, src += ld, dst += 32)
            {
                Vector512.Store(Vector512.Load(src), dst);
                Vector512.Store(Vector512.Load(src + 16), dst + 16);
            }
            return;
        }
        if (count == width && (width & 3) == 0)
        {
            for (int s = 0; s < steps; s++, src += ld, dst += width)
            {
                int e = 0;
                for (; e + 8 <= width; e += 8) Vector256.Store(Vector256.Load(src + e), dst + e);
                if (e < width) Vector128.Store(Vector128.Load(src + e), dst + e);
            }
            return;
        }
        for (int s = 0; s < steps; s++, src += ld, dst += width)
        {
            int e = 0;
            for (; e < count; e++) dst[e] = src[e];
            for (; e < width; e++) dst[e] = 0f;
        }
    }

    /// <summary>
    /// dst[s·width + r] = src[r·ld + s] for r &lt; count, s &lt; steps; zero for count ≤ r &lt; width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Transpose(float* src, nint ld, int count, int steps, int width, float* dst)
    {
        int r = 0;
        int s8 = Avx.IsSupported ? steps & ~7 : 0;
        if (s8 > 0)
        {
            for (; r + 8 <= count; r += 8)
                for (int s = 0; s < s8; s += 8)
                    Transpose8x8(src + r * ld + s, ld, dst + (nint)s * width + r, width);
            for (; r + 4 <= count; r += 4)
                for (int s = 0; s < s8; s += 8)
                    Transpose4x8(src + r * ld + s, ld, dst + (nint)s * width + r, width);
        }
        // Leftover rows (fewer than 4) over the vectorised steps, then every row over the step tail.
        for (int s = 0; s < s8; s++)
        {
            float* d = dst + (nint)s * width;
            for (int q = r; q < count; q++) d[q] = src[q * ld + s];
            for (int q = count; q < width; q++) d[q] = 0f;
        }
        for (int s = s8; s < steps; s++)
        {
            float* d = dst + (nint)s * width;
            for (int q = 0; q < count; q++) d[q] = src[q * ld + s];
            for (int q = count; q < width; q++) d[q] = 0f;
        }
    }

    /// <summary>Rows src[0..8, 0..8] (stride ld) become dst[s·width + 0..8] for s in 0..8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint ld, float* dst, int width)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + ld);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ld), r3 = Avx.LoadVector256(src + 3 * ld);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * ld), r5 = Avx.LoadVector256(src + 5 * ld);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * ld), r7 = Avx.LoadVector256(src + 7 * ld);
        // Per 128-bit lane: interleave pairs, then gather 4-row columns (lane 0 holds steps 0-3, lane 1 steps 4-7).
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> v0 = Avx.Shuffle(t4, t6, 0x44), v1 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> v2 = Avx.Shuffle(t5, t7, 0x44), v3 = Avx.Shuffle(t5, t7, 0xEE);
        // Join rows 0-3 (u) with rows 4-7 (v): low lanes give steps 0-3, high lanes steps 4-7.
        Avx.Store(dst, Avx.Permute2x128(u0, v0, 0x20));
        Avx.Store(dst + width, Avx.Permute2x128(u1, v1, 0x20));
        Avx.Store(dst + 2 * width, Avx.Permute2x128(u2, v2, 0x20));
        Avx.Store(dst + 3 * width, Avx.Permute2x128(u3, v3, 0x20));
        Avx.Store(dst + 4 * width, Avx.Permute2x128(u0, v0, 0x31));
        Avx.Store(dst + 5 * width, Avx.Permute2x128(u1, v1, 0x31));
        Avx.Store(dst + 6 * width, Avx.Permute2x128(u2, v2, 0x31));
        Avx.Store(dst + 7 * width, Avx.Permute2x128(u3, v3, 0x31));
    }

    /// <summary>Rows src[0..4, 0..8] (stride ld) become dst[s·width + 0..4] for s in 0..8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x8(float* src, nint ld, float* dst, int width)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + ld);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ld), r3 = Avx.LoadVector256(src + 3 * ld);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Sse.Store(dst, u0.GetLower());
        Sse.Store(dst + width, u1.GetLower());
        Sse.Store(dst + 2 * width, u2.GetLower());
        Sse.Store(dst + 3 * width, u3.GetLower());
        Sse.Store(dst + 4 * width, u0.GetUpper());
        Sse.Store(dst + 5 * width, u1.GetUpper());
        Sse.Store(dst + 6 * width, u2.GetUpper());
        Sse.Store(dst + 7 * width, u3.GetUpper());
    }
}
