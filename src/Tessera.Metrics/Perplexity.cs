namespace Tessera.Metrics;

/// <summary>
/// Perplexity of a language model: exp of the mean negative log-likelihood of the targets, exp(−(1/N) Σ log p(target)).
/// Fed with logits and targets (the log-softmax is taken here, in double precision) or with mean losses.
/// </summary>
public sealed class Perplexity : IScalarMetric
{
    private double _nllSum;
    private long _count;

    /// <summary>A perplexity metric; targets equal to <paramref name="ignoreIndex"/> (e.g. padding, PyTorch's -100) are skipped.</summary>
    public Perplexity(long? ignoreIndex = null) => IgnoreIndex = ignoreIndex;

    /// <summary>The target value that marks positions to skip, or null.</summary>
    public long? IgnoreIndex { get; }

    /// <inheritdoc />
    public string Name => "perplexity";

    /// <summary>Tokens (targets) counted.</summary>
    public long Count => _count;

    /// <summary>Mean negative log-likelihood (natural log) over the tokens counted.</summary>
    /// <exception cref="InvalidOperationException">Before any token was counted.</exception>
    public double MeanNll
    {
        get
        {
            if (_count == 0) throw new InvalidOperationException("Perplexity: Compute() before any token was added with Update().");
            return _nllSum / _count;
        }
    }

    /// <summary>Adds a batch: <paramref name="preds"/> logits (N, C) or (B, T, C), <paramref name="target"/> class ids (N) or (B, T).</summary>
    public void Update(Tensor preds, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(preds);
        ArgumentNullException.ThrowIfNull(target);
        const string metric = nameof(Perplexity);
        if (preds.Rank is not (2 or 3) || target.Rank != preds.Rank - 1 || !preds.Shape[..^1].SequenceEqual(target.Shape))
            throw new ArgumentException($"{metric}: preds must be (N, C) or (B, T, C) logits with target (N) or (B, T), got preds {MetricInput.Format(preds)} and target {MetricInput.Format(target)}.", nameof(target));
        int c = preds.Size(-1);
        Update(MetricInput.FiniteFloats(preds, metric, "preds"), c, MetricInput.Labels(target, metric, "target"));
    }

    /// <summary>Adds a batch of row-major (N, <paramref name="classes"/>) logits and (N) class ids.</summary>
    public void Update(ReadOnlySpan<double> logits, int classes, ReadOnlySpan<long> target)
    {
        if (classes < 1 || logits.Length != (long)target.Length * classes)
            throw new ArgumentException($"Perplexity: {logits.Length} logits do not form {target.Length} rows of {classes} classes.", nameof(logits));
        for (int i = 0; i < target.Length; i++)
        {
            if (IgnoreIndex == target[i]) continue;
            if ((ulong)target[i] >= (ulong)classes)
                throw new ArgumentException($"Perplexity: target element {i} is {target[i]}, outside the classes 0..{classes - 1}.", nameof(target));
            var row = logits.Slice(i * classes, classes);
            double max = double.NegativeInfinity;
            foreach (double v in row) max = Math.Max(max, v);
            double sum = 0;
            foreach (double v in row) sum += Math.Exp(v - max);
            _nllSum += max + Math.Log(sum) - row[(int)target[i]];
            _count++;
        }
    }

    /// <summary>Adds <paramref name="count"/> tokens whose mean negative log-likelihood is <paramref name="meanNll"/> (e.g. a batch's cross-entropy loss).</summary>
    /// <exception cref="ArgumentException">When <paramref name="meanNll"/> is negative or not finite, or <paramref name="count"/> is negative.</exception>
    public void UpdateFromNll(double meanNll, long count)
    {
        if (!double.IsFinite(meanNll) || meanNll < 0)
            throw new ArgumentException($"Perplexity: mean NLL must be finite and non-negative, got {meanNll}.", nameof(meanNll));
        if (count < 0) throw new ArgumentException($"Perplexity: token count must be non-negative, got {count}.", nameof(count));
        _nllSum += meanNll * count;
        _count += count;
    }

    /// <summary>exp(mean negative log-likelihood) over all tokens counted.</summary>
    /// <exception cref="InvalidOperationException">Before any token was counted.</exception>
    public double Compute() => Math.Exp(MeanNll);

    /// <summary>exp(<paramref name="meanNll"/>): the perplexity of a mean cross-entropy loss (natural log).</summary>
    public static double FromMeanNll(double meanNll) => Math.Exp(meanNll);

    /// <inheritdoc />
    public void Reset() => (_nllSum, _count) = (0, 0);
}
