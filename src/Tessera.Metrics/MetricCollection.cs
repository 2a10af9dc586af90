namespace Tessera.Metrics;

/// <summary>
/// Several scalar metrics fed the same batches, computed together as name → value in insertion order
/// (what a trainer logs after each validation epoch and what <c>tessera cv</c> reports per fold).
/// </summary>
public sealed class MetricCollection
{
    private readonly List<(string Name, IScalarMetric Metric)> _metrics = [];

    /// <summary>A collection of <paramref name="metrics"/>, each under its own <see cref="IMetric.Name"/>.</summary>
    /// <exception cref="ArgumentException">When two metrics have the same name.</exception>
    public MetricCollection(params IScalarMetric[] metrics)
    {
        foreach (var m in metrics) Add(m);
    }

    /// <summary>The metrics and their names.</summary>
    public IReadOnlyList<(string Name, IScalarMetric Metric)> Metrics => _metrics;

    /// <summary>Adds <paramref name="metric"/> under <paramref name="name"/> (default: its <see cref="IMetric.Name"/>); returns this collection.</summary>
    /// <exception cref="ArgumentException">When the name is already taken.</exception>
    public MetricCollection Add(IScalarMetric metric, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        name ??= metric.Name;
        if (_metrics.Any(m => m.Name == name)) throw new ArgumentException($"MetricCollection already has a metric named '{name}'.", nameof(name));
        _metrics.Add((name, metric));
        return this;
    }

    /// <summary>Feeds one batch to every metric.</summary>
    public void Update(Tensor preds, Tensor target)
    {
        foreach (var (_, m) in _metrics) m.Update(preds, target);
    }

    /// <summary>Every metric's value, by name, in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Compute() =>
        _metrics.Select(m => new KeyValuePair<string, double>(m.Name, m.Metric.Compute())).ToList();

    /// <summary>Resets every metric.</summary>
    public void Reset()
    {
        foreach (var (_, m) in _metrics) m.Reset();
    }
}
