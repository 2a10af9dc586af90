using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Reduce;
using Tessera.Kernels.Threading;
using static Tessera.Kernels.Operators.ReductionOperators;
using static Tessera.Kernels.Operators.SoftmaxOperators;

namespace Tessera.Kernels.Softmax;

/// <summary>
/// Fused softmax cross-entropy over logits (N, C) with int64 class targets, matching
/// <c>torch.nn.functional.cross_entropy</c> (class weights, ignore_index, label_smoothing).
/// </summary>
/// <remarks>
/// Per-sample loss for a kept sample i with target t (w = 1 when no weights are given):
/// loss_i = (1 - eps) * w_t * (-logp[i, t]) + (eps / C) * (-Σ_c w_c logp[i, c]); ignored samples
/// get 0. Reduction is left to the caller: 'sum' is Σ loss_i, 'mean' is Σ loss_i divided by the
/// value <see cref="Forward{T}"/> returns (Σ w_t over kept samples; their count without weights),
/// which is PyTorch's rule, smoothing term included.
/// </remarks>
internal static unsafe class CrossEntropyKernels
{
    /// <summary>
    /// Computes logProbs = log_softmax(logits) (N, C) and the per-sample losses (N). Returns the
    /// 'mean' denominator Σ w_t over non-ignored samples (accumulated in double, in sample order).
    /// </summary>
    /// <param name="logits">(N, C) row-major.</param>
    /// <param name="n">Number of samples N.</param>
    /// <param name="c">Number of classes C.</param>
    /// <param name="targets">(N) class indices in [0, C), or <paramref name="ignoreIndex"/>.</param>
    /// <param name="weights">(C) class weights, or empty for none.</param>
    /// <param name="ignoreIndex">Target value whose samples contribute nothing (PyTorch default -100).</param>
    /// <param name="labelSmoothing">eps in [0, 1].</param>
    /// <param name="losses">(N) output.</param>
    /// <param name="logProbs">(N, C) output, saved for <see cref="Backward{T}(ReadOnlySpan{T}, int, int, ReadOnlySpan{long}, ReadOnlySpan{T}, long, T, ReadOnlySpan{T}, Span{T})"/>; may be the logits memory itself.</param>
    /// <exception cref="ArgumentOutOfRangeException">A target outside [0, C) that is not ignoreIndex, or eps outside [0, 1].</exception>
    public static T Forward<T>(ReadOnlySpan<T> logits, int n, int c, ReadOnlySpan<long> targets, ReadOnlySpan<T> weights,
        long ignoreIndex, T labelSmoothing, Span<T> losses, Span<T> logProbs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(logits.Length, n, c, targets, weights, ignoreIndex, labelSmoothing);
        ElementwiseDriver.CheckLength(n, losses.Length, nameof(losses));
        ElementwiseDriver.CheckLength(logits.Length, logProbs.Length, nameof(logProbs));
        double denominator = 0;
        for (int i = 0; i < n; i++)
            if (targets[i] != ignoreIndex) denominator += weights.IsEmpty ? 1.0 : double.CreateTruncating(weights[(int)targets[i]]);
        if (n == 0) return T.Zero;
        if (c == 0) throw new ArgumentOutOfRangeException(nameof(c), "Cross entropy needs at least one class.");
        bool simd = !KernelOptions.DisableSimd;
        long total = (long)n * c;
        if (!ElementwiseDriver.ShouldSplit(total) || n < 2)
            ForwardRows(simd, ref MemoryMarshal.GetReference(logits), c, ref MemoryMarshal.GetReference(targets), ref MemoryMarshal.GetReference(weights),
                !weights.IsEmpty, ignoreIndex, labelSmoothing, ref MemoryMarshal.GetReference(losses), ref MemoryMarshal.GetReference(logProbs), 0, n);
        else
            ForwardParallel(simd, logits, n, c, targets, weights, ignoreIndex, labelSmoothing, losses, logProbs);
        return T.CreateTruncating(denominator);
    }

    /// <summary>
    /// dlogits[i, :] = gradLoss[i] * d loss_i / d logits[i, :], from the saved log-probabilities.
    /// For 'mean' pass gradLoss[i] = g / denominator, for 'sum' g, for 'none' the upstream grads.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> logProbs, int n, int c, ReadOnlySpan<long> targets, ReadOnlySpan<T> weights,
        long ignoreIndex, T labelSmoothing, ReadOnlySpan<T> gradLoss, Span<T> dlogits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ElementwiseDriver.CheckLength(n, gradLoss.Length, nameof(gradLoss));
        BackwardCore(logProbs, n, c, targets, weights, ignoreIndex, labelSmoothing, gradLoss, T.Zero, dlogits);
    }

    /// <summary>As the other overload with the same upstream gradient <paramref name="gradScale"/> for every sample.</summary>
    public static void Backward<T>(ReadOnlySpan<T> logProbs, int n, int c, ReadOnlySpan<long> targets, ReadOnlySpan<T> weights,
        long ignoreIndex, T labelSmoothing, T gradScale, Span<T> dlogits) where T : unmanaged, IFloatingPointIeee754<T> =>
        BackwardCore(logProbs, n, c, targets, weights, ignoreIndex, labelSmoothing, default, gradScale, dlogits);

    private static void Validate<T>(int logitsLength, int n, int c, ReadOnlySpan<long> targets, ReadOnlySpan<T> weights, long ignoreIndex, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n < 0 || c < 0) throw new ArgumentOutOfRangeException(nameof(n), "n and c must be non-negative.");
        ElementwiseDriver.CheckLength((int)((long)n * c), logitsLength, "logits");
        ElementwiseDriver.CheckLength(n, targets.Length, nameof(targets));
        if (!weights.IsEmpty) ElementwiseDriver.CheckLength(c, weights.Length, nameof(weights));
        if (!(eps >= T.Zero && eps <= T.One))
            throw new ArgumentOutOfRangeException("labelSmoothing", eps, "label_smoothing must be in [0, 1].");
        for (int i = 0; i < n; i++)
        {
            long t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= c))
                throw new ArgumentOutOfRangeException(nameof(targets), t, $"Target {t} at sample {i} is out of bounds for {c} classes.");
        }
    }

    private static void ForwardParallel<T>(bool simd, ReadOnlySpan<T> logits, int n, int c, ReadOnlySpan<long> targets, ReadOnlySpan<T> weights,
        long ignoreIndex, T eps, Span<T> losses, Span<T> logProbs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool hasWeights = !weights.IsEmpty;
        fixed (T* pz = logits)
        fixed (long* pt = targets)
        fixed (T* pw = weights)
        fixed (T* pl = losses)
        fixed (T* pp = logProbs)
        {
            nint az = (nint)pz, at = (nint)pt, aw = (nint)pw, al = (nint)pl, ap = (nint)pp;
            ParallelRuntime.For(0, n, Math.Max(1, ElementwiseDriver.Grain / c), (r0, r1) =>
                ForwardRows(simd, ref Unsafe.AsRef<T>((T*)az), c, ref Unsafe.AsRef<long>((long*)at), ref Unsafe.AsRef<T>((T*)aw), hasWeights,
                    ignoreIndex, eps, ref Unsafe.AsRef<T>((T*)al), ref Unsafe.AsRef<T>((T*)ap), (int)r0, (int)r1));
        }
    }

    private static void ForwardRows<T>(bool simd, ref T logits, int c, ref long targets, ref T weights, bool hasWeights, long ignoreIndex, T eps,
        ref T losses, ref T logProbs, int r0, int r1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T cT = T.CreateTruncating(c);
        for (int i = r0; i < r1; i++)
        {
            nint off = (nint)i * c;
            ref T lp = ref Unsafe.Add(ref logProbs, off);
            Softmax.SoftmaxKernels.LogSoftmaxRow(simd, ref Unsafe.Add(ref logits, off), ref lp, c);
            long t = Unsafe.Add(ref targets, i);
            if (t == ignoreIndex)
            {
                Unsafe.Add(ref losses, i) = T.Zero;
                continue;
            }
            T wt = hasWeights ? Unsafe.Add(ref weights, (nint)t) : T.One;
            T loss = -Unsafe.Add(ref lp, (nint)t) * wt;
            if (eps != T.Zero)
            {
                T smooth = hasWeights
                    ? -ReductionCore.RowDot(simd, ref lp, ref weights, c)
                    : -ReductionCore.RowSum(new Value<T>(), T.Zero, simd, ref lp, c);
                loss = (T.One - eps) * loss + eps / cT * smooth;
            }
            Unsafe.Add(ref losses, i) = loss;
        }
    }

    private static void BackwardCore<T>(ReadOnlySpan<T> logProbs, int n, int c, ReadOnlySpan<long> targets, ReadOnlySpan<T> weights,
        long ignoreIndex, T eps, ReadOnlySpan<T> gradLoss, T gradScale, Span<T> dlogits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(logProbs.Length, n, c, targets, weights, ignoreIndex, eps);
        ElementwiseDriver.CheckLength(logProbs.Length, dlogits.Length, nameof(dlogits));
        if (n == 0 || c == 0) return;
        T weightTotal = T.CreateTruncating(c);
        if (!weights.IsEmpty)
        {
            double w = 0;
            for (int k = 0; k < c; k++) w += double.CreateTruncating(weights[k]);
            weightTotal = T.CreateTruncating(w);
        }
        bool simd = !KernelOptions.DisableSimd;
        bool perSample = !gradLoss.IsEmpty;
        fixed (T* pp = logProbs)
        fixed (long* pt = targets)
        fixed (T* pw = weights)
        fixed (T* pg = gradLoss)
        fixed (T* pd = dlogits)
        {
            var args = new BackwardArgs<T>((nint)pp, (nint)pt, (nint)pw, !weights.IsEmpty, (nint)pg, perSample, gradScale, weightTotal,
                (nint)pd, c, ignoreIndex, eps, simd);
            if (!ElementwiseDriver.ShouldSplit((long)n * c) || n < 2)
                BackwardRows(args, 0, n);
            else
                BackwardParallel(args, n);
        }
    }

    private static void BackwardParallel<T>(BackwardArgs<T> args, int n) where T : unmanaged, IFloatingPointIeee754<T> =>
        ParallelRuntime.For(0, n, Math.Max(1, ElementwiseDriver.Grain / args.C), (r0, r1) => BackwardRows(args, (int)r0, (int)r1));

    private readonly record struct BackwardArgs<T>(nint LogProbs, nint Targets, nint Weights, bool HasWeights, nint Grad, bool PerSample,
        T GradScale, T WeightTotal, nint DLogits, int C, long IgnoreIndex, T Eps, bool Simd) where T : unmanaged;

    private static void BackwardRows<T>(BackwardArgs<T> p, int r0, int r1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = p.C;
        T cT = T.CreateTruncating(c);
        T eps = p.Eps;
        for (int i = r0; i < r1; i++)
        {
            nint off = (nint)i * c;
            ref T lp = ref Unsafe.AsRef<T>((T*)p.LogProbs + off);
            ref T dz = ref Unsafe.AsRef<T>((T*)p.DLogits + off);
            long t = ((long*)p.Targets)[i];
            if (t == p.IgnoreIndex)
            {
                new Span<T>((T*)p.DLogits + off, c).Clear();
                continue;
            }
            T g = p.PerSample ? ((T*)p.Grad)[i] : p.GradScale;
            T wt = p.HasWeights ? ((T*)p.Weights)[t] : T.One;
            // dz_c = g [(1-eps) w_t (p_c - [c == t]) + (eps/C)(W p_c - w_c)] = a p_c - b w_c, then the target term.
            T a = g * ((T.One - eps) * wt + eps * p.WeightTotal / cT);
            T b = g * eps / cT;
            if (p.HasWeights)
                ElementwiseDriver.BinaryRange(new CrossEntropyGrad<T>(a, b), p.Simd && CrossEntropyGrad<T>.Vectorizable, ref lp,
                    ref Unsafe.AsRef<T>((T*)p.Weights), ref dz, c);
            else
                ElementwiseDriver.UnaryRange(new CrossEntropyGradUniform<T>(a, b), p.Simd && CrossEntropyGradUniform<T>.Vectorizable, ref lp, ref dz, c);
            Unsafe.Add(ref dz, (nint)t) -= g * (T.One - eps) * wt;
        }
    }
}
