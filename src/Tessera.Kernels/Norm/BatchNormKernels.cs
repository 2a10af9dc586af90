using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Reduce;
using Tessera.Kernels.Threading;
using static Tessera.Kernels.Operators.NormOperators;
using static Tessera.Kernels.Operators.ReductionOperators;

namespace Tessera.Kernels.Norm;

/// <summary>
/// Batch normalisation over a contiguous (N, C, HW) layout (HW = product of the spatial dims; 1 for
/// BatchNorm1d on (N, C)), statistics per channel over N*HW values, as PyTorch's CPU kernels.
/// </summary>
/// <remarks>
/// Training normalises with the biased variance and updates running_var with the unbiased one:
/// running = momentum * stat + (1 - momentum) * running. Channel sums use the deterministic cascade
/// (per-segment cascades combined pairwise across N), so results do not depend on the thread count.
/// Optional spans (gamma, beta, running stats, gradient outputs) may be empty.
/// </remarks>
[SkipLocalsInit]
internal static unsafe class BatchNormKernels
{
    /// <summary>
    /// Training forward: computes per-channel mean and invstd = 1/sqrt(biased var + eps) into
    /// <paramref name="saveMean"/>/<paramref name="saveInvStd"/> (C), writes y, and updates the
    /// running statistics when given.
    /// </summary>
    /// <exception cref="ArgumentException">When N * HW is 1 (PyTorch: "Expected more than 1 value per channel when training").</exception>
    public static void ForwardTraining<T>(ReadOnlySpan<T> x, int n, int c, int hw, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta,
        T eps, T momentum, Span<T> runningMean, Span<T> runningVar, Span<T> y, Span<T> saveMean, Span<T> saveInvStd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(x.Length, n, c, hw);
        CheckChannels(c, gamma, nameof(gamma));
        CheckChannels(c, beta, nameof(beta));
        CheckChannels(c, runningMean, nameof(runningMean));
        CheckChannels(c, runningVar, nameof(runningVar));
        ElementwiseDriver.CheckLength(x.Length, y.Length, nameof(y));
        ElementwiseDriver.CheckLength(c, saveMean.Length, nameof(saveMean));
        ElementwiseDriver.CheckLength(c, saveInvStd.Length, nameof(saveInvStd));
        long count = (long)n * hw;
        if (c == 0) return;
        if (count <= 1) throw new ArgumentException("Expected more than 1 value per channel when training.", nameof(x));
        T countT = T.CreateTruncating(count);

        ChannelSum(new Value<T>(), x, n, c, hw, default, saveMean);
        for (int ch = 0; ch < c; ch++) saveMean[ch] /= countT;
        T[] tmp = ArrayPool<T>.Shared.Rent(2 * c);
        try
        {
            Span<T> m2 = tmp.AsSpan(0, c), s1 = tmp.AsSpan(c, c);
            ChannelSum(new SquaredDiff<T>(), x, n, c, hw, saveMean, m2);
            ChannelSum(new Diff<T>(), x, n, c, hw, saveMean, s1);
            T momentumC = T.One - momentum;
            for (int ch = 0; ch < c; ch++)
            {
                T sumSq = T.Max(m2[ch] - s1[ch] * s1[ch] / countT, T.Zero);
                T variance = sumSq / countT;
                saveInvStd[ch] = T.One / T.Sqrt(variance + eps);
                if (!runningMean.IsEmpty) runningMean[ch] = momentum * saveMean[ch] + momentumC * runningMean[ch];
                if (!runningVar.IsEmpty) runningVar[ch] = momentum * (sumSq / (countT - T.One)) + momentumC * runningVar[ch];
            }
        }
        finally { ArrayPool<T>.Shared.Return(tmp); }
        Transform(x, n, c, hw, gamma, beta, saveMean, saveInvStd, y);
    }

    /// <summary>Inference forward with the running statistics: y = (x - rm) / sqrt(rv + eps) * gamma + beta.</summary>
    public static void ForwardInference<T>(ReadOnlySpan<T> x, int n, int c, int hw, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta,
        ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVar, T eps, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(x.Length, n, c, hw);
        CheckChannels(c, gamma, nameof(gamma));
        CheckChannels(c, beta, nameof(beta));
        ElementwiseDriver.CheckLength(c, runningMean.Length, nameof(runningMean));
        ElementwiseDriver.CheckLength(c, runningVar.Length, nameof(runningVar));
        ElementwiseDriver.CheckLength(x.Length, y.Length, nameof(y));
        if (c == 0) return;
        T[] tmp = ArrayPool<T>.Shared.Rent(c);
        try
        {
            Span<T> invStd = tmp.AsSpan(0, c);
            for (int ch = 0; ch < c; ch++) invStd[ch] = T.One / T.Sqrt(runningVar[ch] + eps);
            Transform(x, n, c, hw, gamma, beta, runningMean, invStd, y);
        }
        finally { ArrayPool<T>.Shared.Return(tmp); }
    }

    /// <summary>
    /// Training backward from the saved batch statistics:
    /// dx = (g - (x - mean) * Σ g(x - mean) * invstd^2 / M - Σ g / M) * invstd * gamma,
    /// dgamma = Σ g (x - mean) * invstd, dbeta = Σ g (M = N * HW).
    /// </summary>
    public static void BackwardTraining<T>(ReadOnlySpan<T> gradY, ReadOnlySpan<T> x, int n, int c, int hw, ReadOnlySpan<T> gamma,
        ReadOnlySpan<T> saveMean, ReadOnlySpan<T> saveInvStd, Span<T> dx, Span<T> dgamma, Span<T> dbeta) where T : unmanaged, IFloatingPointIeee754<T> =>
        Backward(true, gradY, x, n, c, hw, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);

    /// <summary>
    /// Inference backward (statistics are constants): dx = g * invstd * gamma with invstd from the
    /// running variance, dgamma = Σ g (x - rm) * invstd, dbeta = Σ g.
    /// </summary>
    public static void BackwardInference<T>(ReadOnlySpan<T> gradY, ReadOnlySpan<T> x, int n, int c, int hw, ReadOnlySpan<T> gamma,
        ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVar, T eps, Span<T> dx, Span<T> dgamma, Span<T> dbeta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ElementwiseDriver.CheckLength(c, runningVar.Length, nameof(runningVar));
        T[] tmp = ArrayPool<T>.Shared.Rent(Math.Max(1, c));
        try
        {
            Span<T> invStd = tmp.AsSpan(0, c);
            for (int ch = 0; ch < c; ch++) invStd[ch] = T.One / T.Sqrt(runningVar[ch] + eps);
            Backward(false, gradY, x, n, c, hw, gamma, runningMean, invStd, dx, dgamma, dbeta);
        }
        finally { ArrayPool<T>.Shared.Return(tmp); }
    }

    // ------------------------------------------------------------------ internals

    private static void CheckShape(int length, int n, int c, int hw)
    {
        if (n < 0 || c < 0 || hw < 0) throw new ArgumentOutOfRangeException(nameof(n), "n, c and hw must be non-negative.");
        if ((long)n * c * hw != length)
            throw new ArgumentException($"x has length {length}; expected n*c*hw = {(long)n * c * hw}.", "x");
    }

    private static void CheckChannels<T>(int c, ReadOnlySpan<T> s, string name)
    {
        if (!s.IsEmpty) ElementwiseDriver.CheckLength(c, s.Length, name);
    }

    private static void Backward<T>(bool training, ReadOnlySpan<T> gradY, ReadOnlySpan<T> x, int n, int c, int hw, ReadOnlySpan<T> gamma,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> invStd, Span<T> dx, Span<T> dgamma, Span<T> dbeta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(x.Length, n, c, hw);
        ElementwiseDriver.CheckLength(x.Length, gradY.Length, nameof(gradY));
        CheckChannels(c, gamma, nameof(gamma));
        ElementwiseDriver.CheckLength(c, mean.Length, nameof(mean));
        ElementwiseDriver.CheckLength(c, invStd.Length, nameof(invStd));
        if (!dx.IsEmpty) ElementwiseDriver.CheckLength(x.Length, dx.Length, nameof(dx));
        CheckChannels(c, dgamma, nameof(dgamma));
        CheckChannels(c, dbeta, nameof(dbeta));
        if (c == 0) return;
        T countT = T.CreateTruncating((long)n * hw);
        T[] tmp = ArrayPool<T>.Shared.Rent(4 * c);
        try
        {
            Span<T> sumG = tmp.AsSpan(0, c), dotP = tmp.AsSpan(c, c), a = tmp.AsSpan(2 * c, c), b = tmp.AsSpan(3 * c, c);
            ChannelSum(new Value<T>(), gradY, n, c, hw, default, sumG);
            ChannelDot(gradY, x, n, c, hw, mean, dotP);
            for (int ch = 0; ch < c; ch++)
            {
                if (!dgamma.IsEmpty) dgamma[ch] = dotP[ch] * invStd[ch];
                if (!dbeta.IsEmpty) dbeta[ch] = sumG[ch];
            }
            if (dx.IsEmpty) return;
            // Per channel: dx = (g - (x - mean) * proj - gmean) * scale (training); dx = g * scale (inference).
            Span<T> proj = a, gmean = b;
            T[] scaleArray = ArrayPool<T>.Shared.Rent(c);
            try
            {
                Span<T> scale = scaleArray.AsSpan(0, c);
                for (int ch = 0; ch < c; ch++)
                {
                    T istd = invStd[ch];
                    scale[ch] = gamma.IsEmpty ? istd : istd * gamma[ch];
                    proj[ch] = training ? dotP[ch] * istd * istd / countT : T.Zero;
                    gmean[ch] = training ? sumG[ch] / countT : T.Zero;
                }
                GradInput(gradY, x, n, c, hw, mean, proj, gmean, scale, dx);
            }
            finally { ArrayPool<T>.Shared.Return(scaleArray); }
        }
        finally { ArrayPool<T>.Shared.Return(tmp); }
    }

    /// <summary>y = x * alpha_c + beta_c with alpha = invstd * gamma, beta = bias - mean * alpha (PyTorch's CPU form).</summary>
    private static void Transform<T>(ReadOnlySpan<T> x, int n, int c, int hw, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> invStd, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] tmp = ArrayPool<T>.Shared.Rent(2 * c);
        try
        {
            Span<T> alpha = tmp.AsSpan(0, c), shift = tmp.AsSpan(c, c);
            for (int ch = 0; ch < c; ch++)
            {
                alpha[ch] = gamma.IsEmpty ? invStd[ch] : invStd[ch] * gamma[ch];
                shift[ch] = (beta.IsEmpty ? T.Zero : beta[ch]) - mean[ch] * alpha[ch];
            }
            bool simd = !KernelOptions.DisableSimd;
            int segments = n * (hw == 1 ? 1 : c);
            fixed (T* px = x) fixed (T* py = y) fixed (T* pa = tmp)
            {
                var p = new Plan<T>((nint)px, 0, (nint)py, (nint)pa, (nint)(pa + c), 0, 0, n, c, hw, simd);
                if (!ElementwiseDriver.ShouldSplit(x.Length) || segments < 2) TransformSegments(p, 0, segments);
                else TransformParallel(p, segments);
            }
        }
        finally { ArrayPool<T>.Shared.Return(tmp); }
    }

    // The parallel launches live in their own methods so the closure is only allocated when used.
    private static void TransformParallel<T>(Plan<T> p, int segments) where T : unmanaged, IFloatingPointIeee754<T> =>
        ParallelRuntime.For(0, segments, SegmentGrain(p.Hw, p.C), (s0, s1) => TransformSegments(p, (int)s0, (int)s1));

    private static void GradInputParallel<T>(Plan<T> p, int segments) where T : unmanaged, IFloatingPointIeee754<T> =>
        ParallelRuntime.For(0, segments, SegmentGrain(p.Hw, p.C), (s0, s1) => GradInputSegments(p, (int)s0, (int)s1));

    private static void ChannelDotParallel<T>(Plan<T> p) where T : unmanaged, IFloatingPointIeee754<T> =>
        ParallelRuntime.For(0, p.C, Math.Max(1, ElementwiseDriver.Grain / Math.Max(1L, (long)p.N * p.Hw)), (c0, c1) => ChannelDotRange(p, (int)c0, (int)c1));

    private readonly record struct Plan<T>(nint X, nint G, nint Y, nint A, nint B, nint C2, nint D, int N, int C, int Hw, bool Simd) where T : unmanaged;

    private static long SegmentGrain(int hw, int c) => Math.Max(1, ElementwiseDriver.Grain / Math.Max(1, hw == 1 ? c : hw));

    // Segments: with hw > 1 one (sample, channel) run of hw values; with hw == 1 one row of c channels.
    private static void TransformSegments<T>(Plan<T> p, int s0, int s1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int s = s0; s < s1; s++)
        {
            if (p.Hw == 1)
            {
                nint off = (nint)s * p.C;
                ElementwiseDriver.TernaryRange(new ScaleShift<T>(), p.Simd, ref Unsafe.AsRef<T>((T*)p.X + off), ref Unsafe.AsRef<T>((T*)p.A),
                    ref Unsafe.AsRef<T>((T*)p.B), ref Unsafe.AsRef<T>((T*)p.Y + off), p.C);
            }
            else
            {
                int ch = s % p.C;
                nint off = (nint)s * p.Hw;
                ElementwiseDriver.UnaryRange(new ScaleShiftScalar<T>(((T*)p.A)[ch], ((T*)p.B)[ch]), p.Simd,
                    ref Unsafe.AsRef<T>((T*)p.X + off), ref Unsafe.AsRef<T>((T*)p.Y + off), p.Hw);
            }
        }
    }

    private static void GradInput<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, int n, int c, int hw, ReadOnlySpan<T> mean, ReadOnlySpan<T> proj,
        ReadOnlySpan<T> gmean, ReadOnlySpan<T> scale, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool simd = !KernelOptions.DisableSimd;
        int segments = n * (hw == 1 ? 1 : c);
        fixed (T* pg = g) fixed (T* px = x) fixed (T* pm = mean) fixed (T* pp = proj) fixed (T* pgm = gmean) fixed (T* ps = scale) fixed (T* pd = dx)
        {
            var p = new Plan<T>((nint)px, (nint)pg, (nint)pd, (nint)pm, (nint)pp, (nint)pgm, (nint)ps, n, c, hw, simd);
            if (!ElementwiseDriver.ShouldSplit(x.Length) || segments < 2) GradInputSegments(p, 0, segments);
            else GradInputParallel(p, segments);
        }
    }

    // Plan fields here: A = mean, B = proj, C2 = gmean, D = scale.
    private static void GradInputSegments<T>(Plan<T> p, int s0, int s1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* mean = (T*)p.A, proj = (T*)p.B, gmean = (T*)p.C2, scale = (T*)p.D;
        for (int s = s0; s < s1; s++)
        {
            if (p.Hw == 1)
            {
                nint off = (nint)s * p.C;
                GradInputRow((T*)p.G + off, (T*)p.X + off, mean, proj, gmean, scale, (T*)p.Y + off, p.C, p.Simd);
            }
            else
            {
                int ch = s % p.C;
                nint off = (nint)s * p.Hw;
                ElementwiseDriver.BinaryRange(new BatchNormGradInput<T>(mean[ch], proj[ch], gmean[ch], scale[ch]), p.Simd,
                    ref Unsafe.AsRef<T>((T*)p.G + off), ref Unsafe.AsRef<T>((T*)p.X + off), ref Unsafe.AsRef<T>((T*)p.Y + off), p.Hw);
            }
        }
    }

    // One (N, C) row: every operand is a per-channel vector, so this is its own loop.
    private static void GradInputRow<T>(T* g, T* x, T* mean, T* proj, T* gmean, T* scale, T* dx, int c, bool simd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (simd && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            for (; j <= c - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                Vector512<T> v = (Vector512.Load(g + j) - (Vector512.Load(x + j) - Vector512.Load(mean + j)) * Vector512.Load(proj + j) - Vector512.Load(gmean + j))
                    * Vector512.Load(scale + j);
                v.Store(dx + j);
            }
        }
        for (; j < c; j++) dx[j] = (g[j] - (x[j] - mean[j]) * proj[j] - gmean[j]) * scale[j];
    }

    /// <summary>dst[ch] = Σ over (sample, position) of op(x, shift[ch]).</summary>
    private static void ChannelSum<T, TOp>(TOp op, ReadOnlySpan<T> x, int n, int c, int hw, ReadOnlySpan<T> shift, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T>
    {
        bool hasShift = !shift.IsEmpty;
        if (hw == 1)
        {
            // (N, C): a column reduction over N.
            AxisReductions.MapSum(op, x, 1, n, c, shift, hasShift, dst);
            return;
        }
        bool simd = TOp.Vectorizable && !KernelOptions.DisableSimd;
        fixed (T* px = x) fixed (T* ps = shift) fixed (T* pd = dst)
        {
            var p = new Plan<T>((nint)px, 0, (nint)pd, (nint)ps, 0, 0, 0, n, c, hw, simd);
            if (!ElementwiseDriver.ShouldSplit(x.Length) || c < 2) ChannelSumRange(op, p, hasShift, 0, c);
            else ChannelSumParallel(op, p, hasShift);
        }
    }

    private static void ChannelSumParallel<T, TOp>(TOp op, Plan<T> p, bool hasShift)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T> =>
        ParallelRuntime.For(0, p.C, Math.Max(1, ElementwiseDriver.Grain / Math.Max(1L, (long)p.N * p.Hw)), (c0, c1) => ChannelSumRange(op, p, hasShift, (int)c0, (int)c1));

    private static void ChannelSumRange<T, TOp>(TOp op, Plan<T> p, bool hasShift, int c0, int c1)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T>
    {
        Span<T> stack = stackalloc T[64];
        for (int ch = c0; ch < c1; ch++)
        {
            T s = hasShift ? ((T*)p.A)[ch] : T.Zero;
            int top = 0;
            long count = 0;
            for (int k = 0; k < p.N; k++)
            {
                T v = ReductionCore.RowSum(op, s, p.Simd, ref Unsafe.AsRef<T>((T*)p.X + ((nint)k * p.C + ch) * p.Hw), p.Hw);
                for (long q = count; (q & 1) != 0; q >>= 1) v = stack[--top] + v;
                stack[top++] = v;
                count++;
            }
            T r = top == 0 ? T.Zero : stack[top - 1];
            for (int k = top - 2; k >= 0; k--) r = stack[k] + r;
            ((T*)p.Y)[ch] = r;
        }
    }

    /// <summary>dst[ch] = Σ g (x - mean[ch]) over the channel.</summary>
    private static void ChannelDot<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, int n, int c, int hw, ReadOnlySpan<T> mean, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (hw == 1)
        {
            // Stage g (x - mean) in scratch, then reduce its columns.
            T[] scratch = ArrayPool<T>.Shared.Rent(Math.Max(1, g.Length));
            try
            {
                Span<T> prod = scratch.AsSpan(0, g.Length);
                bool simd = !KernelOptions.DisableSimd;
                for (int k = 0; k < n; k++)
                    ElementwiseDriver.TernaryRange(new CenteredProductVector<T>(), simd, ref MemoryMarshal.GetReference(g.Slice(k * c, c)),
                        ref MemoryMarshal.GetReference(x.Slice(k * c, c)), ref MemoryMarshal.GetReference(mean), ref MemoryMarshal.GetReference(prod.Slice(k * c, c)), c);
                AxisReductions.MapSum(new Value<T>(), prod, 1, n, c, default, false, dst);
            }
            finally { ArrayPool<T>.Shared.Return(scratch); }
            return;
        }
        bool simd2 = !KernelOptions.DisableSimd;
        fixed (T* pg = g) fixed (T* px = x) fixed (T* pm = mean) fixed (T* pd = dst)
        {
            var p = new Plan<T>((nint)px, (nint)pg, (nint)pd, (nint)pm, 0, 0, 0, n, c, hw, simd2);
            if (!ElementwiseDriver.ShouldSplit(x.Length) || c < 2) ChannelDotRange(p, 0, c);
            else ChannelDotParallel(p);
        }
    }

    private static void ChannelDotRange<T>(Plan<T> p, int c0, int c1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> stack = stackalloc T[64];
        for (int ch = c0; ch < c1; ch++)
        {
            var op = new CenteredProduct<T>(((T*)p.A)[ch]);
            int top = 0;
            long count = 0;
            for (int k = 0; k < p.N; k++)
            {
                nint off = ((nint)k * p.C + ch) * p.Hw;
                T v = ReductionCore.RowSum2(op, p.Simd, ref Unsafe.AsRef<T>((T*)p.G + off), ref Unsafe.AsRef<T>((T*)p.X + off), p.Hw);
                for (long q = count; (q & 1) != 0; q >>= 1) v = stack[--top] + v;
                stack[top++] = v;
                count++;
            }
            T r = top == 0 ? T.Zero : stack[top - 1];
            for (int k = top - 2; k >= 0; k--) r = stack[k] + r;
            ((T*)p.Y)[ch] = r;
        }
    }
}
