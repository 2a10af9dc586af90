using System.Numerics;
using Tessera.Kernels.Softmax;

namespace Tessera;

/// <summary>Stateless neural-network functions (PyTorch's <c>torch.nn.functional</c>) with autograd.</summary>
public static partial class Functional
{
    /// <summary>
    /// Cross entropy between logits and class indices (PyTorch's <c>F.cross_entropy</c>), one fused
    /// log-softmax + NLL kernel with its own backward.
    /// input (N, C) or (N, C, d1, ...) or (C); target int64 (N) or (N, d1, ...) or () with values in [0, C) or
    /// <paramref name="ignoreIndex"/>; optional class <paramref name="weight"/> (C); label smoothing ε
    /// mixes in the uniform distribution exactly as PyTorch does. 'mean' divides by Σ weight[target] over the
    /// samples that are not ignored (their count without weights), smoothing term included.
    /// Returns a scalar, or the per-sample losses of the target's shape for <see cref="Reduction.None"/>.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (input.Rank < 1) throw new ArgumentException("CrossEntropy input must have a class dimension.");
        if (labelSmoothing < 0 || labelSmoothing > 1) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1].");
        if (target.DType.IsFloatingPoint())
            throw new ArgumentException($"CrossEntropy expects integer class indices as target, got {target.DType.Name()}.");
        if (reduction is not (Reduction.Mean or Reduction.Sum or Reduction.None))
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction.");
        Tensor x = input.DType.IsFloatingPoint() ? input : input.To(DType.Float32);
        // Move classes last and flatten: (M, C). The kernel reads contiguous rows, so this copies only when the
        // classes are not already the last dim.
        Tensor logits = x.Rank == 1 ? x.Detach().Unsqueeze(0) : x.Detach();
        int c = logits.Shape[1];
        int[]? perm = null;
        if (logits.Rank > 2)
        {
            perm = new int[logits.Rank];
            for (int i = 0; i < perm.Length - 1; i++) perm[i] = i == 0 ? 0 : i + 1;
            perm[^1] = 1;
            logits = logits.Permute(perm);
        }
        int[] movedShape = logits.ShapeArray();
        logits = logits.Reshape(-1, c).Contiguous();
        int m = logits.Shape[0];
        if (target.Numel != m)
            throw new ArgumentException($"CrossEntropy: target shape {ShapeUtil.Format(target.Shape)} does not match input shape {ShapeUtil.Format(input.Shape)}.");
        if (weight is not null && (weight.Rank != 1 || weight.Shape[0] != c))
            throw new ArgumentException($"CrossEntropy: weight must have shape [{c}], got {ShapeUtil.Format(weight.Shape)}.");
        long[] t = target.To(DType.Int64).Contiguous().ToArray<long>();
        for (int i = 0; i < m; i++)
            if (t[i] != ignoreIndex && (t[i] < 0 || t[i] >= c))
                throw new ArgumentOutOfRangeException(nameof(target), $"CrossEntropy target {t[i]} at position {i} is out of range for {c} classes.");
        var w = weight?.Detach().To(logits.DType).Contiguous();
        var losses = Tensor.Empty(logits.DType, m);                   // (M)
        var logProbs = logits.EmptyLike();                            // (M, C), saved for the backward
        double denominator = DTypeDispatch.Float<CrossEntropyForward, double>(logits.DType,
            new CrossEntropyForward(logits, m, c, t, w, ignoreIndex, labelSmoothing, losses, logProbs), "cross_entropy");
        Tensor result = reduction switch
        {
            Reduction.Mean => losses.Sum().Div(denominator),
            Reduction.Sum => losses.Sum(),
            _ => losses.Reshape(target.ShapeArray()),
        };
        if (Tensor.NeedsGrad(x))
        {
            int[] inputShape = x.ShapeArray();
            result.SetGradFn("CrossEntropyBackward", [x], g =>
            {
                var dlogits = logProbs.EmptyLike();                    // (M, C)
                var perSample = reduction == Reduction.None ? g.Contiguous().Reshape(m).Contiguous() : null;
                double scale = perSample is null ? g.To(DType.Float64).Item<double>() / (reduction == Reduction.Mean ? denominator : 1) : 0;
                DTypeDispatch.Float(logProbs.DType,
                    new CrossEntropyBackwardOp(logProbs, m, c, t, w, ignoreIndex, labelSmoothing, perSample, scale, dlogits), "cross_entropy backward");
                Tensor dx = dlogits.Reshape(movedShape);
                if (perm is not null) dx = dx.Permute(InversePermutation(perm)).Contiguous();
                return [dx.Reshape(inputShape)];
            });
        }
        return result;
    }

    private readonly struct CrossEntropyForward(Tensor logits, int m, int c, long[] targets, Tensor? weight, long ignoreIndex, double eps,
        Tensor losses, Tensor logProbs) : IFloatFunc<double>
    {
        public double Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            double.CreateTruncating(CrossEntropyKernels.Forward(logits.Span<T>(), m, c, targets, weight is null ? default : weight.Span<T>(), ignoreIndex,
                T.CreateTruncating(eps), losses.Span<T>(), logProbs.Span<T>()));
    }

    private readonly struct CrossEntropyBackwardOp(Tensor logProbs, int m, int c, long[] targets, Tensor? weight, long ignoreIndex, double eps,
        Tensor? perSample, double scale, Tensor dlogits) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            CrossEntropyBackward<T>(logProbs, m, c, targets, weight, ignoreIndex, eps, perSample, scale, dlogits);
    }

    private static void CrossEntropyBackward<T>(Tensor logProbs, int m, int c, long[] targets, Tensor? weight, long ignoreIndex, double eps,
        Tensor? perSample, double scale, Tensor dlogits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> w = weight is null ? default : weight.Span<T>();
        if (perSample is not null)
            CrossEntropyKernels.Backward(logProbs.Span<T>(), m, c, targets, w, ignoreIndex, T.CreateTruncating(eps), (ReadOnlySpan<T>)perSample.Span<T>(), dlogits.Span<T>());
        else
            CrossEntropyKernels.Backward(logProbs.Span<T>(), m, c, targets, w, ignoreIndex, T.CreateTruncating(eps), T.CreateTruncating(scale), dlogits.Span<T>());
    }

    private static int[] InversePermutation(int[] perm)
    {
        var inv = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inv[perm[i]] = i;
        return inv;
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities (N, C) at int64 targets (N) (PyTorch's <c>F.nll_loss</c>);
    /// optional class <paramref name="weight"/> (C); 'mean' divides by Σ weight[target] over samples not ignored.
    /// </summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(target);
        if (logProbs.Rank != 2) throw new ArgumentException($"NllLoss expects (N, C) log-probabilities, got {ShapeUtil.Format(logProbs.Shape)}.");
        int m = logProbs.Shape[0], c = logProbs.Shape[1];
        var tv = target.To(DType.Int64).Contiguous().ToArray<long>();
        if (tv.Length != m) throw new ArgumentException($"NllLoss: target has {tv.Length} entries for {m} rows.");
        var safe = new long[m];
        var keep = new bool[m];
        for (int i = 0; i < m; i++)
        {
            if (tv[i] == ignoreIndex) continue;
            if (tv[i] < 0 || tv[i] >= c) throw new ArgumentOutOfRangeException(nameof(target), $"NllLoss target {tv[i]} at position {i} is out of range for {c} classes.");
            safe[i] = tv[i];
            keep[i] = true;
        }
        var keepF = Tensor.FromArray(keep).To(logProbs.DType);
        var safeT = Tensor.FromArray(safe, [m, 1]);
        var picked = logProbs.Gather(1, safeT).Reshape(m).Neg();
        Tensor w = weight is null ? keepF : weight.Detach().To(logProbs.DType).IndexSelect(0, safeT.Reshape(m)).Mul(keepF);
        var perSample = picked.Mul(w);                                   // (M), 0 where ignored
        return reduction switch
        {
            Reduction.Mean => perSample.Sum().Div(w.Sum()),
            Reduction.Sum => perSample.Sum(),
            Reduction.None => perSample,
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
        };
    }

    /// <summary>Mean squared error (input − target)² (PyTorch's <c>F.mse_loss</c>), target broadcast to input.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var d = input.Sub(target);
        return ReduceLoss(d.Mul(d), reduction);
    }

    /// <summary>Absolute error |input − target| (PyTorch's <c>F.l1_loss</c>); shapes must match.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("L1Loss", input, target);
        return ReduceLoss(input.Sub(target).Abs(), reduction);
    }

    /// <summary>
    /// Huber loss (PyTorch's <c>F.huber_loss</c>): ½d² where |d| &lt; δ, δ(|d| − ½δ) elsewhere. Computed as
    /// ½q² + δ(|d| − q) with q = min(|d|, δ), which equals the piecewise form and has the right gradient on both sides.
    /// </summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, double delta = 1.0, Reduction reduction = Reduction.Mean)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, $"HuberLoss delta must be positive, got {delta}.");
        CheckSameShape("HuberLoss", input, target);
        var a = input.Sub(target).Abs();
        var q = a.Clamp(max: delta);
        return ReduceLoss(q.Mul(q).Mul(0.5).Add(a.Sub(q).Mul(delta)), reduction);
    }

    /// <summary>
    /// Binary cross entropy on logits (PyTorch's <c>F.binary_cross_entropy_with_logits</c>), in the stable form
    /// (1 − y)·x + w_p·(log(1 + e^−|x|) + max(−x, 0)) with w_p = 1 + (pos_weight − 1)·y (without pos_weight this is
    /// max(x, 0) − x·y + log(1 + e^−|x|)). <paramref name="weight"/> scales each element; <paramref name="posWeight"/>
    /// broadcasts over the last (class) dim. Shapes of input and target must match.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("BCEWithLogitsLoss", input, target);
        var softTail = input.Abs().Neg().Exp().Add(1).Log().Add(input.Neg().Relu());   // log(1 + e^−x), stably
        Tensor loss = posWeight is null
            ? target.Mul(-1).Add(1).Mul(input).Add(softTail)
            : target.Mul(-1).Add(1).Mul(input).Add(posWeight.Sub(1).Mul(target).Add(1).Mul(softTail));
        if (weight is not null) loss = loss.Mul(weight);
        return ReduceLoss(loss, reduction);
    }

    /// <summary>
    /// KL divergence (PyTorch's <c>F.kl_div</c>) with log-probability <paramref name="input"/>: target·(log target − input)
    /// (0 where target = 0), or with <paramref name="logTarget"/> exp(target)·(target − input). Shapes must match.
    /// </summary>
    public static Tensor KLDiv(Tensor input, Tensor target, KLDivReduction reduction = KLDivReduction.Mean, bool logTarget = false)
    {
        CheckSameShape("KLDivLoss", input, target);
        Tensor loss;
        if (logTarget) loss = target.Exp().Mul(target.Sub(input));
        else
        {
            // xlogy: log of 1 where target is 0 keeps both value and gradient finite (0·log 0 := 0).
            var safe = Tensor.Where(target.Gt(0), target, Tensor.OnesLike(target));
            loss = target.Mul(safe.Log().Sub(input));
        }
        return reduction switch
        {
            KLDivReduction.Mean => loss.Mean(),
            KLDivReduction.Sum => loss.Sum(),
            KLDivReduction.BatchMean => input.Rank == 0 ? loss.Sum() : loss.Sum().Div(input.Shape[0]),
            KLDivReduction.None => loss,
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
        };
    }

    private static Tensor ReduceLoss(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.Mean => loss.Mean(),
        Reduction.Sum => loss.Sum(),
        Reduction.None => loss,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };

    private static void CheckSameShape(string name, Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!input.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"{name}: target shape {ShapeUtil.Format(target.Shape)} differs from input shape {ShapeUtil.Format(input.Shape)}.");
    }
}
