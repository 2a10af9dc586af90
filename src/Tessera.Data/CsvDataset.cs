using System.Globalization;

namespace Tessera.Data;

/// <summary>
/// Tabular data from a CSV file with a header row: chosen numeric feature columns become float32 inputs
/// (N, F); the target column becomes float32 values (N) for regression or int64 class ids (N) for
/// classification. Numbers are parsed with the invariant culture; bad values raise
/// <see cref="CsvFormatException"/> naming the line and column.
/// </summary>
public sealed class CsvDataset : TensorDataset
{
    private CsvDataset(Parsed p)
        : base(p.Features, p.Targets)
    {
        Path = p.Path;
        FeatureNames = p.FeatureNames;
        TargetName = p.TargetName;
        Task = p.Task;
        ClassNames = p.ClassNames;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Feature column names, in input order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Target column name.</summary>
    public string TargetName { get; }

    /// <summary>Regression or classification.</summary>
    public CsvTask Task { get; }

    /// <summary>For classification, the label text of each class id (numeric labels sorted numerically, others ordinally); empty for regression.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <param name="path">CSV file with a header row.</param>
    /// <param name="targetColumn">Name of the target column.</param>
    /// <param name="task">How to interpret the target.</param>
    /// <param name="featureColumns">Names of the feature columns; null for every column except the target.</param>
    /// <param name="delimiter">Field separator.</param>
    /// <exception cref="CsvFormatException">On malformed CSV, unknown or duplicate columns, or unparsable values.</exception>
    public static CsvDataset Load(string path, string targetColumn, CsvTask task, IReadOnlyList<string>? featureColumns = null, char delimiter = ',')
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(targetColumn);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return new CsvDataset(Parse(reader, path, targetColumn, task, featureColumns, delimiter));
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="name"/> labels error messages.</summary>
    /// <inheritdoc cref="Load(string, string, CsvTask, IReadOnlyList{string}?, char)"/>
    public static CsvDataset Load(TextReader reader, string name, string targetColumn, CsvTask task, IReadOnlyList<string>? featureColumns = null, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(targetColumn);
        return new CsvDataset(Parse(reader, name, targetColumn, task, featureColumns, delimiter));
    }

    private sealed record Parsed(Tensor Features, Tensor Targets, string Path, IReadOnlyList<string> FeatureNames, string TargetName, CsvTask Task,
        IReadOnlyList<string> ClassNames);

    private static Parsed Parse(TextReader reader, string path, string targetColumn, CsvTask task, IReadOnlyList<string>? featureColumns, char delimiter)
    {
        using var records = CsvParser.Parse(reader, path, delimiter).GetEnumerator();
        if (!records.MoveNext()) throw new CsvFormatException(path, 0, null, "the file is empty (a header row is needed)");
        var header = records.Current.Fields.Select(h => h.Trim()).ToArray();
        var columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length; i++)
            if (!columnIndex.TryAdd(header[i], i))
                throw new CsvFormatException(path, 1, header[i], $"duplicate column name (columns {columnIndex[header[i]] + 1} and {i + 1})");

        int Index(string name) => columnIndex.TryGetValue(name, out int i) ? i
            : throw new CsvFormatException(path, 1, name, $"no such column; the header has {string.Join(", ", header.Select(h => $"'{h}'"))}");
        int target = Index(targetColumn);
        var featureNames = featureColumns?.ToArray() ?? header.Where(h => h != targetColumn).ToArray();
        if (featureNames.Length == 0) throw new CsvFormatException(path, 1, null, "no feature columns");
        var features = featureNames.Select(Index).ToArray();
        if (features.Contains(target)) throw new CsvFormatException(path, 1, targetColumn, "the target column is also a feature column");

        var x = new List<float>();
        var yValues = new List<float>();
        var yLabels = new List<string>();
        int rows = 0;
        while (records.MoveNext())
        {
            var (fields, line) = records.Current;
            if (fields.Length != header.Length)
                throw new CsvFormatException(path, line, null, $"the record has {fields.Length} fields, the header has {header.Length}");
            foreach (int f in features) x.Add(Number(fields[f], path, line, header[f]));
            if (task == CsvTask.Regression) yValues.Add(Number(fields[target], path, line, header[target]));
            else
            {
                string label = fields[target].Trim();
                if (label.Length == 0) throw new CsvFormatException(path, line, header[target], "empty class label");
                yLabels.Add(label);
            }
            rows++;
        }

        var xs = Tensor.FromArray(x.ToArray(), [rows, features.Length]);
        if (task == CsvTask.Regression)
            return new Parsed(xs, Tensor.FromArray(yValues.ToArray(), [rows]), path, featureNames, targetColumn, task, []);
        var distinct = yLabels.Distinct(StringComparer.Ordinal).ToArray();
        bool numeric = distinct.All(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var classes = numeric
            ? distinct.OrderBy(l => double.Parse(l, NumberStyles.Float, CultureInfo.InvariantCulture)).ThenBy(l => l, StringComparer.Ordinal).ToArray()
            : distinct.OrderBy(l => l, StringComparer.Ordinal).ToArray();
        var id = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < classes.Length; i++) id[classes[i]] = i;
        var ys = yLabels.Select(l => id[l]).ToArray();
        return new Parsed(xs, Tensor.FromArray(ys, [rows]), path, featureNames, targetColumn, task, classes);
    }

    private static float Number(string text, string path, int line, string column)
    {
        string s = text.Trim();
        if (s.Length == 0) throw new CsvFormatException(path, line, column, "empty value where a number is needed");
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            throw new CsvFormatException(path, line, column, $"cannot parse '{s}' as a number (invariant culture, '.' decimal point)");
        float f = (float)v;
        if (!float.IsFinite(f)) throw new CsvFormatException(path, line, column, $"'{s}' is not a finite float32 value");
        return f;
    }
}
