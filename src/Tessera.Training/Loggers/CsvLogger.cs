using System.Globalization;
using System.Text;

namespace Tessera.Training.Loggers;

/// <summary>
/// Writes the epoch rows (metrics with an "epoch" entry) to a CSV file: columns <c>epoch,step</c>, then
/// <see cref="Columns"/> in that order, then any other value in first-logged order; numbers in invariant culture,
/// round-trip precision; a value missing from a row is an empty cell. The whole file is rewritten atomically for
/// each row, so it is always complete; on resume it is rebuilt from the checkpoint's history. Per-step values are
/// not written.
/// </summary>
public sealed class CsvLogger : ITrainingLogger
{
    private readonly List<MetricsRecord> _rows = [];
    private bool _cleaned;

    /// <summary>A logger writing <paramref name="path"/>; <paramref name="columns"/> fixes the order of the leading value columns.</summary>
    public CsvLogger(string path, IEnumerable<string>? columns = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        Columns = columns?.ToArray() ?? [];
    }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <summary>Value columns that come first, in this order (when present in any row).</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows written so far.</summary>
    public IReadOnlyList<MetricsRecord> Rows => _rows;

    /// <inheritdoc />
    public void LogHyperparams(IReadOnlyDictionary<string, string> hyperparams) { }

    /// <inheritdoc />
    public void LogMetrics(IReadOnlyDictionary<string, double> metrics, long step)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (!metrics.TryGetValue("epoch", out double epoch)) return;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (k, v) in metrics)
            if (k != "epoch") values[k] = v;
        _rows.Add(new MetricsRecord((int)epoch, step, values));
        Write();
    }

    /// <inheritdoc />
    public void Resume(IReadOnlyList<MetricsRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        _rows.Clear();
        _rows.AddRange(history);
        Write();
    }

    /// <inheritdoc />
    public void Finish() { }

    /// <summary>The file's text for <paramref name="rows"/>.</summary>
    public string Format(IReadOnlyList<MetricsRecord> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in Columns)
            if (rows.Any(r => r.Values.ContainsKey(c)) && seen.Add(c)) names.Add(c);
        foreach (var r in rows)
            foreach (var k in r.Values.Keys)
                if (seen.Add(k)) names.Add(k);
        var sb = new StringBuilder();
        sb.Append("epoch,step");
        foreach (var n in names) sb.Append(',').Append(n);
        sb.Append('\n');
        foreach (var r in rows)
        {
            sb.Append(r.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',').Append(r.Step.ToString(CultureInfo.InvariantCulture));
            foreach (var n in names)
            {
                sb.Append(',');
                if (r.Values.TryGetValue(n, out double v)) sb.Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private void Write()
    {
        if (!_cleaned)
        {
            string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
            if (dir is not null) AtomicFile.RemoveStaleTemps(dir);
            _cleaned = true;
        }
        AtomicFile.WriteAllText(Path, Format(_rows));
    }

    /// <summary>Reads a file written by this logger back into rows (empty cells are left out).</summary>
    /// <exception cref="FormatException">When a line is not a row of this shape.</exception>
    public static List<MetricsRecord> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var rows = new List<MetricsRecord>();
        if (lines.Length == 0) return rows;
        var header = lines[0].Split(',');
        if (header.Length < 2 || header[0] != "epoch" || header[1] != "step") throw new FormatException($"'{path}' does not start with 'epoch,step'.");
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split(',');
            if (f.Length != header.Length) throw new FormatException($"'{path}' line {i + 1} has {f.Length} fields, the header {header.Length}.");
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int j = 2; j < f.Length; j++)
                if (f[j].Length > 0) values[header[j]] = double.Parse(f[j], NumberStyles.Float, CultureInfo.InvariantCulture);
            rows.Add(new MetricsRecord(int.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), values));
        }
        return rows;
    }
}
