namespace Tessera.Nn.Losses;

/// <summary>Loss functions with autograd (the functional forms behind the loss modules).</summary>
public static class LossFunctions
{
    /// <summary>Mean squared error (x − y)².</summary>
    public static Tensor Mse(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) => Functional.MseLoss(input, target, reduction);

    /// <summary>Absolute error |x − y|.</summary>
    public static Tensor L1(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("L1Loss", input, target);
        return Reduce(input.Sub(target).Abs(), reduction);
    }

    /// <summary>
    /// Huber loss: ½d² where |d| &lt; δ, δ(|d| − ½δ) elsewhere. Computed as ½q² + δ(|d| − q) with q = min(|d|, δ), which
    /// equals the piecewise form and has the right gradient on both sides.
    /// </summary>
    public static Tensor Huber(Tensor input, Tensor target, double delta = 1.0, Reduction reduction = Reduction.Mean)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, $"HuberLoss delta must be positive, got {delta}.");
        CheckSameShape("HuberLoss", input, target);
        var a = input.Sub(target).Abs();
        var q = a.Clamp(max: delta);
        return Reduce(q.Mul(q).Mul(0.5).Add(a.Sub(q).Mul(delta)), reduction);
    }

    /// <summary>Cross entropy of logits (N, C[, ...]) against int64 class indices; see <see cref="Functional.CrossEntropy"/>.</summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
        => Functional.CrossEntropy(input, target, weight, ignoreIndex, labelSmoothing, reduction);

    /// <summary>Negative log-likelihood of log-probabilities (N, C) at int64 targets (N).</summary>
    public static Tensor Nll(Tensor logProbs, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
        => Functional.NllLoss(logProbs, target, weight, ignoreIndex, reduction);

    /// <summary>
    /// Binary cross entropy on logits, in the stable form (1 − y)·x + w_p·(log(1 + e^−|x|) + max(−x, 0)) with
    /// w_p = 1 + (pos_weight − 1)·y (without pos_weight this is max(x, 0) − x·y + log(1 + e^−|x|)).
    /// <paramref name="weight"/> scales each element; <paramref name="posWeight"/> broadcasts over the last (class) dim.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("BCEWithLogitsLoss", input, target);
        var softTail = input.Abs().Neg().Exp().Add(1).Log().Add(input.Neg().Relu());   // log(1 + e^−x), stably
        Tensor loss = posWeight is null
            ? target.Mul(-1).Add(1).Mul(input).Add(softTail)
            : target.Mul(-1).Add(1).Mul(input).Add(posWeight.Sub(1).Mul(target).Add(1).Mul(softTail));
        if (weight is not null) loss = loss.Mul(weight);
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// KL divergence with log-probability <paramref name="input"/>: target·(log target − input) (0 where target = 0), or with
    /// <paramref name="logTarget"/> exp(target)·(target − input).
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

    internal static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
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
            throw new ArgumentException($"{name}: target shape {Module.FormatShape(target.Shape)} differs from input shape {Module.FormatShape(input.Shape)}.");
    }
}
