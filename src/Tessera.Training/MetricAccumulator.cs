namespace Tessera.Training;

/// <summary>
/// Weighted running means of logged values by name, in first-logged order. Entries survive <see cref="Reset"/>, so a
/// steady-state training step logs without allocating.
/// </summary>
internal sealed class MetricAccumulator
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<Entry> _order = [];

    internal sealed class Entry(string name)
    {
        public string Name { get; } = name;
        public double Sum;
        public double Weight;
        public double Last;
        public double Mean => Sum / Weight;
    }

    /// <summary>Creates the entry <paramref name="name"/> (empty) if it does not exist, fixing its place in the order.</summary>
    public void Ensure(string name)
    {
        if (_entries.ContainsKey(name)) return;
        var e = new Entry(name) { Last = double.NaN };
        _entries[name] = e;
        _order.Add(e);
    }

    /// <summary>Adds <paramref name="value"/> with <paramref name="weight"/> (e.g. the batch size).</summary>
    public void Add(string name, double value, double weight)
    {
        if (!_entries.TryGetValue(name, out var e))
        {
            e = new Entry(name);
            _entries[name] = e;
            _order.Add(e);
        }
        e.Sum += value * weight;
        e.Weight += weight;
        e.Last = value;
    }

    /// <summary>The running mean of <paramref name="name"/>, or NaN when nothing was logged since the last reset.</summary>
    public double Mean(string name) => _entries.TryGetValue(name, out var e) && e.Weight > 0 ? e.Mean : double.NaN;

    /// <summary>Entries in first-logged order (some may be empty since the last reset).</summary>
    public List<Entry> Entries => _order;

    /// <summary>Means of the entries logged since the last reset, in order.</summary>
    public void CopyMeans(IDictionary<string, double> into)
    {
        foreach (var e in _order)
            if (e.Weight > 0) into[e.Name] = e.Mean;
    }

    /// <summary>Empties every entry (keeping them for reuse).</summary>
    public void Reset()
    {
        foreach (var e in _order)
        {
            e.Sum = 0;
            e.Weight = 0;
            e.Last = double.NaN;
        }
    }

    /// <summary>The raw sums, for checkpoints: name → [sum, weight, last].</summary>
    public Dictionary<string, double[]> Save()
    {
        var d = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var e in _order) d[e.Name] = [e.Sum, e.Weight, e.Last];
        return d;
    }

    /// <summary>Restores sums saved by <see cref="Save"/>.</summary>
    public void Load(IReadOnlyDictionary<string, double[]> saved)
    {
        _entries.Clear();
        _order.Clear();
        foreach (var (k, v) in saved)
        {
            if (v.Length != 3) throw new FormatException($"running metric '{k}' has {v.Length} numbers, expected 3");
            var e = new Entry(k) { Sum = v[0], Weight = v[1], Last = v[2] };
            _entries[k] = e;
            _order.Add(e);
        }
    }
}
