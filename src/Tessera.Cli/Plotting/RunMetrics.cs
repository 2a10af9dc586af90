using System.Globalization;

namespace Tessera.Cli.Plotting;

/// <summary>
/// The <c>metrics.csv</c> of one run folder, read by column name: the header line names the columns (whatever the trainer
/// wrote), each later line is one row of numbers. Empty cells are missing values.
/// </summary>
internal sealed class RunMetrics
{
    /// <summary>The file a run folder keeps its metrics in.</summary>
    public const string FileName = "metrics.csv";

    private readonly Dictionary<string, int> _index;
    private readonly double?[][] _rows;

    private RunMetrics(string name, string path, string[] columns, double?[][] rows)
    {
        Name = name;
        Path = path;
        Columns = columns;
        _rows = rows;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Length; i++) _index.TryAdd(columns[i], i);
    }

    /// <summary>The run's name: its folder's name.</summary>
    public string Name { get; }

    /// <summary>The metrics.csv path.</summary>
    public string Path { get; }

    /// <summary>Column names in header order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Number of data rows.</summary>
    public int RowCount => _rows.Length;

    /// <summary>True when the header has a column of this exact name.</summary>
    public bool Has(string column) => _index.ContainsKey(column);

    /// <summary>
    /// The rows where both <paramref name="x"/> and <paramref name="y"/> hold finite values, in file order, as parallel arrays.
    /// </summary>
    public (double[] X, double[] Y) Series(string x, string y)
    {
        int xi = _index[x], yi = _index[y];
        var xs = new List<double>(_rows.Length);
        var ys = new List<double>(_rows.Length);
        foreach (var row in _rows)
        {
            if (row[xi] is double a && row[yi] is double b && double.IsFinite(a) && double.IsFinite(b))
            {
                xs.Add(a);
                ys.Add(b);
            }
        }
        return (xs.ToArray(), ys.ToArray());
    }

    /// <summary>Reads a run: <paramref name="run"/> is a run folder holding metrics.csv, or the CSV file itself.</summary>
    /// <exception cref="DirectoryNotFoundException">When the folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">When the folder has no metrics.csv.</exception>
    /// <exception cref="InvalidDataException">When the CSV is empty, has a bad header, a row of the wrong width, or a cell that is not a number (file and line named).</exception>
    public static RunMetrics Read(string run)
    {
        ArgumentException.ThrowIfNullOrEmpty(run);
        string path, folder;
        if (File.Exists(run))
        {
            path = run;
            folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(run)) ?? run;
        }
        else
        {
            if (!Directory.Exists(run)) throw new DirectoryNotFoundException($"run folder '{run}' does not exist.");
            path = System.IO.Path.Combine(run, FileName);
            folder = System.IO.Path.GetFullPath(run);
            if (!File.Exists(path)) throw new FileNotFoundException($"run folder '{run}' has no {FileName}.", path);
        }
        string name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(folder));
        if (name.Length == 0) name = folder;

        string[] lines = File.ReadAllText(path).Split('\n');
        string header = lines[0].TrimEnd('\r');
        if (string.IsNullOrWhiteSpace(header)) throw new InvalidDataException($"{path} is empty; expected a header line of column names.");
        string[] columns = header.Split(',').Select(c => c.Trim()).ToArray();
        if (columns.Any(c => c.Length == 0)) throw new InvalidDataException($"{path}:1: the header has an empty column name: '{header}'.");
        var duplicate = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidDataException($"{path}:1: column '{duplicate.Key}' appears more than once in the header.");

        var rows = new List<double?[]>();
        for (int n = 1; n < lines.Length; n++)
        {
            string line = lines[n].TrimEnd('\r');
            if (line.Length == 0) continue;
            string[] cells = line.Split(',');
            if (cells.Length != columns.Length)
            {
                // A run killed mid-write can leave a partial last line (no newline after it); the rows before it are good.
                if (n == lines.Length - 1) break;
                throw new InvalidDataException($"{path}:{n + 1}: {cells.Length} cells, but the header names {columns.Length} columns.");
            }
            var row = new double?[columns.Length];
            for (int i = 0; i < cells.Length; i++)
            {
                string cell = cells[i].Trim();
                if (cell.Length == 0) continue;
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    throw new InvalidDataException($"{path}:{n + 1}: column '{columns[i]}' holds '{cell}', which is not a number.");
                row[i] = v;
            }
            rows.Add(row);
        }
        return new RunMetrics(name, path, columns, rows.ToArray());
    }
}
