using System.Text.Json;
using Tessera.Testing.Fixtures;

namespace Tessera.Optim.Tests;

/// <summary>tests/fixtures/optim/optim.json written by tools/make_optim_fixtures.py (see that script for the format).</summary>
internal static class OptimFixture
{
    private static readonly Lazy<JsonElement> RootLazy = new(() =>
    {
        var path = Path.Combine(RepoPaths.FixturesDirectory, "optim", "optim.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    });

    public static JsonElement Root => RootLazy.Value;

    public static JsonElement Case(string section, string name) =>
        Root.GetProperty(section).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty(section).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(ToDouble).ToArray();

    public static double ToDouble(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch { "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, var s => throw new FormatException(s) }
        : e.GetDouble();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static Tensor Tensor64(JsonElement e, bool requiresGrad = false) =>
        Tensor.FromArray(Doubles(e.GetProperty("data")), Ints(e.GetProperty("shape")), requiresGrad);
}
