namespace Tessera.Data;

/// <summary>A CSV file could not be parsed or does not fit the request; the message names the file, line and column.</summary>
public sealed class CsvFormatException : Exception
{
    /// <summary>A new exception about <paramref name="path"/> at <paramref name="line"/> (1-based; 0 when not about one line).</summary>
    public CsvFormatException(string path, int line, string? column, string problem)
        : base($"{path}{(line > 0 ? $": line {line}" : "")}{(column is null ? "" : $", column '{column}'")}: {problem}")
    {
        Path = path;
        Line = line;
        Column = column;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>1-based line where the offending record starts (the header is line 1), or 0.</summary>
    public int Line { get; }

    /// <summary>Name of the offending column, if any.</summary>
    public string? Column { get; }
}
