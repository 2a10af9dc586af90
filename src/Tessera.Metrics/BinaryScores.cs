namespace Tessera.Metrics;

/// <summary>Stored (score, label) pairs of a binary curve metric; curves need every score, not a summary.</summary>
internal sealed class BinaryScores(string metric)
{
    private readonly List<double> _scores = [];
    private readonly List<bool> _positives = [];

    public int Count => _scores.Count;

    public void Update(Tensor preds, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(preds);
        if (preds.Rank != 1 && !(preds.Rank == 2 && preds.Size(1) == 1))
            throw new ArgumentException($"{metric}: preds must be (N) scores of the positive class, got shape {MetricInput.Format(preds)}.", nameof(preds));
        if (target.Rank != 1 && !(target.Rank == 2 && target.Size(1) == 1))
            throw new ArgumentException($"{metric}: target must be (N) labels 0 or 1, got shape {MetricInput.Format(target)}.", nameof(target));
        Update(MetricInput.FiniteFloats(preds, metric, "preds"), MetricInput.Labels(target, metric, "target"));
    }

    public void Update(ReadOnlySpan<double> scores, ReadOnlySpan<long> target)
    {
        MetricInput.CheckSameCount(scores.Length, target.Length, metric);
        for (int i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i])) throw new ArgumentException($"{metric}: score {i} is {scores[i]}; scores must be finite.", nameof(scores));
            if (target[i] is not (0 or 1)) throw new ArgumentException($"{metric}: target element {i} is {target[i]}; binary labels must be 0 or 1.", nameof(target));
        }
        for (int i = 0; i < scores.Length; i++)
        {
            _scores.Add(scores[i]);
            _positives.Add(target[i] == 1);
        }
    }

    public void Reset()
    {
        _scores.Clear();
        _positives.Clear();
    }

    public (double[] Scores, bool[] Positives) Snapshot()
    {
        if (_scores.Count == 0) throw new InvalidOperationException($"{metric}: Compute() before any example was added with Update().");
        return (_scores.ToArray(), _positives.ToArray());
    }
}
