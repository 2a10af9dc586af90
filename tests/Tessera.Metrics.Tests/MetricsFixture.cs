using System.Text.Json;
using Tessera.Testing.Fixtures;

namespace Tessera.Metrics.Tests;

/// <summary>tests/fixtures/metrics/metrics.json, written by tools/make_metrics_fixtures.py with scikit-learn.</summary>
internal static class MetricsFixture
{
    private static readonly Lazy<JsonElement> RootLazy = new(() =>
    {
        string path = Path.Combine(RepoPaths.FixturesDirectory, "metrics", "metrics.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    });

    public static JsonElement Root => RootLazy.Value;

    /// <summary>The cases of one section, as xunit theory data (case names).</summary>
    public static TheoryData<string> CaseNames(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty(section).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static JsonElement Case(string section, string name) =>
        Root.GetProperty(section).EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    public static double Double(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when e.GetString() == "NaN" => double.NaN,
        JsonValueKind.Null => double.NaN,
        _ => throw new FormatException($"Not a number: {e}"),
    };

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(Double).ToArray();

    public static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    /// <summary>A JSON array of rows flattened row-major, with the column count.</summary>
    public static (double[] Values, int Columns) Matrix(JsonElement e)
    {
        var rows = e.EnumerateArray().Select(Doubles).ToArray();
        return (rows.SelectMany(r => r).ToArray(), rows.Length == 0 ? 0 : rows[0].Length);
    }

    /// <summary>Splits 0..n-1 into irregular consecutive batches (1, 2, 3, ... examples) to check batch independence.</summary>
    public static IEnumerable<(int Start, int Length)> Batches(int n)
    {
        int start = 0, size = 1;
        while (start < n)
        {
            int len = Math.Min(size, n - start);
            yield return (start, len);
            start += len;
            size = size % 7 + 1;
        }
    }
}
