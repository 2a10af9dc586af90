namespace Tessera.Metrics;

/// <summary>Stored (N, C) scores and (N) labels of a one-vs-rest curve metric.</summary>
internal sealed class MulticlassScores
{
    private readonly List<double> _scores = [];
    private readonly List<long> _labels = [];
    private readonly string _metric;

    public MulticlassScores(int classes, string metric)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, $"{metric} needs at least 2 classes, got {classes}.");
        Classes = classes;
        _metric = metric;
    }

    public int Classes { get; }

    public int Count => _labels.Count;

    public void Update(Tensor preds, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(preds);
        if (preds.Rank != 2 || preds.Size(1) != Classes)
            throw new ArgumentException($"{_metric}: preds must be (N, {Classes}) class scores, got shape {MetricInput.Format(preds)}.", nameof(preds));
        MetricInput.CheckRank(target, 1, _metric, "target", "(N) class ids");
        Update(MetricInput.FiniteFloats(preds, _metric, "preds"), MetricInput.Labels(target, _metric, "target"));
    }

    public void Update(ReadOnlySpan<double> scores, ReadOnlySpan<long> target)
    {
        if (scores.Length != (long)target.Length * Classes)
            throw new ArgumentException($"{_metric}: {scores.Length} scores do not form {target.Length} rows of {Classes} classes.", nameof(scores));
        for (int i = 0; i < scores.Length; i++)
            if (!double.IsFinite(scores[i]))
                throw new ArgumentException($"{_metric}: score [{i / Classes}, {i % Classes}] is {scores[i]}; scores must be finite.", nameof(scores));
        MetricInput.CheckClasses(target, Classes, _metric, "target");
        foreach (double s in scores) _scores.Add(s);
        foreach (long t in target) _labels.Add(t);
    }

    public void Reset()
    {
        _scores.Clear();
        _labels.Clear();
    }

    /// <summary>Column <paramref name="c"/> of the scores and the one-vs-rest labels (target == c).</summary>
    public (double[] Scores, bool[] Positives) Column(int c)
    {
        CheckNotEmpty();
        int n = _labels.Count;
        var s = new double[n];
        var p = new bool[n];
        for (int i = 0; i < n; i++)
        {
            s[i] = _scores[i * Classes + c];
            p[i] = _labels[i] == c;
        }
        return (s, p);
    }

    /// <summary>All (sample, class) pairs pooled: every score, positive where the class is the target.</summary>
    public (double[] Scores, bool[] Positives) Raveled()
    {
        CheckNotEmpty();
        var s = _scores.ToArray();
        var p = new bool[s.Length];
        for (int i = 0; i < _labels.Count; i++) p[i * Classes + (int)_labels[i]] = true;
        return (s, p);
    }

    /// <summary>True examples of each class.</summary>
    public long[] Support()
    {
        var support = new long[Classes];
        foreach (long t in _labels) support[t]++;
        return support;
    }

    public void CheckNotEmpty()
    {
        if (_labels.Count == 0) throw new InvalidOperationException($"{_metric}: Compute() before any example was added with Update().");
    }
}
