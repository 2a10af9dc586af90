namespace Tessera;

/// <summary>Stateless neural-network functions (PyTorch's <c>torch.nn.functional</c>) with autograd.</summary>
public static partial class Functional
{
    /// <summary>
    /// Cross entropy between logits and class indices: fused log-softmax + NLL.
    /// input (N, C) or (N, C, d1, ...); target int64 (N) or (N, d1, ...) with values in [0, C) or
    /// <paramref name="ignoreIndex"/>; optional class <paramref name="weight"/> (C); label smoothing ε
    /// mixes in the uniform distribution exactly as PyTorch does.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
    {
        if (input.Rank < 1) throw new ArgumentException("CrossEntropy input must have a class dimension.");
        if (labelSmoothing < 0 || labelSmoothing > 1) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1].");
        if (target.DType.IsFloatingPoint())
            throw new ArgumentException($"CrossEntropy expects integer class indices as target, got {target.DType.Name()}.");
        // Move classes last and flatten: (M, C).
        Tensor logits = input.Rank == 1 ? input.Unsqueeze(0) : input;
        int c = logits.Shape[1];
        if (logits.Rank > 2)
        {
            var perm = new List<int> { 0 };
            for (int i = 2; i < logits.Rank; i++) perm.Add(i);
            perm.Add(1);
            logits = logits.Permute(perm.ToArray());
        }
        logits = logits.Reshape(-1, c);
        var t = target.To(DType.Int64).Reshape(-1);
        int m = logits.Shape[0];
        if (t.Numel != m)
            throw new ArgumentException($"CrossEntropy: target shape {ShapeUtil.Format(target.Shape)} does not match input shape {ShapeUtil.Format(input.Shape)}.");
        if (weight is not null && (weight.Rank != 1 || weight.Shape[0] != c))
            throw new ArgumentException($"CrossEntropy: weight must have shape [{c}], got {ShapeUtil.Format(weight.Shape)}.");
        var tv = t.Contiguous().ToArray<long>();
        var safe = new long[m];
        var keep = new bool[m];
        for (int i = 0; i < m; i++)
        {
            if (tv[i] == ignoreIndex) continue;
            if (tv[i] < 0 || tv[i] >= c) throw new ArgumentOutOfRangeException(nameof(target), $"CrossEntropy target {tv[i]} at position {i} is out of range for {c} classes.");
            safe[i] = tv[i];
            keep[i] = true;
        }
        var safeT = Tensor.FromArray(safe, [m, 1]);
        var keepMask = Tensor.FromArray(keep);
        var keepF = keepMask.To(logits.DType);
        var logp = logits.LogSoftmax(1);                                // (M, C)
        var picked = logp.Gather(1, safeT).Reshape(m).Neg();             // (M)
        Tensor w = weight is null ? keepF : weight.Detach().To(logits.DType).IndexSelect(0, safeT.Reshape(m)).Mul(keepF);
        var nll = picked.Mul(w);                                         // (M), 0 where ignored
        Tensor loss = Reduce(nll, w, reduction, target.Shape);
        if (labelSmoothing > 0)
        {
            var smooth = weight is null ? logp.Sum(1).Neg() : logp.Mul(weight.Detach().To(logits.DType)).Sum(1).Neg();
            smooth = smooth.Mul(keepF);
            Tensor sl = reduction switch
            {
                Reduction.Mean => smooth.Sum().Div(w.Sum()),
                Reduction.Sum => smooth.Sum(),
                _ => smooth.Reshape(target.ShapeArray()),
            };
            loss = loss.Mul(1 - labelSmoothing).Add(sl.Mul(labelSmoothing / c));
        }
        return loss;
    }

    /// <summary>Negative log-likelihood of log-probabilities (N, C) at int64 targets (N).</summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
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
        return Reduce(picked.Mul(w), w, reduction, [m]);
    }

    private static Tensor Reduce(Tensor perSample, Tensor weights, Reduction reduction, ReadOnlySpan<int> shape) => reduction switch
    {
        Reduction.Mean => perSample.Sum().Div(weights.Sum()),
        Reduction.Sum => perSample.Sum(),
        Reduction.None => perSample.Reshape(shape.ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };

    /// <summary>Mean squared error (input − target)², target broadcast to input.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        var d = input.Sub(target);
        var sq = d.Mul(d);
        return reduction switch
        {
            Reduction.Mean => sq.Mean(),
            Reduction.Sum => sq.Sum(),
            Reduction.None => sq,
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
        };
    }
}
