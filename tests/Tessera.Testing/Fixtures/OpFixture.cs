using System.Text.Json;
using Tessera.IO;

namespace Tessera.Testing.Fixtures;

/// <summary>
/// The PyTorch parity fixture of one op, tests/fixtures/ops/&lt;op&gt;.safetensors, written by
/// tools/make_fixtures.py. See tests/fixtures/README.md for the format.
/// </summary>
public sealed class OpFixture
{
    private static readonly HashSet<string> ReservedMetadata = new(StringComparer.Ordinal) { "op", "torch", "generator" };

    private OpFixture(string op, string path, string torchVersion, IReadOnlyList<OpFixtureCase> cases)
    {
        Op = op;
        Path = path;
        TorchVersion = torchVersion;
        Cases = cases;
    }

    /// <summary>The op name.</summary>
    public string Op { get; }

    /// <summary>The file the fixture was read from.</summary>
    public string Path { get; }

    /// <summary>The torch version that produced it.</summary>
    public string TorchVersion { get; }

    /// <summary>The cases, in case-name order.</summary>
    public IReadOnlyList<OpFixtureCase> Cases { get; }

    /// <summary>The case with this name.</summary>
    /// <exception cref="KeyNotFoundException">No such case.</exception>
    public OpFixtureCase this[string caseName] =>
        Cases.FirstOrDefault(c => c.Name == caseName)
        ?? throw new KeyNotFoundException($"Fixture '{Op}' has no case '{caseName}' (has: {string.Join(", ", Cases.Select(c => c.Name))}).");

    /// <summary>Names of all ops with a fixture file, sorted.</summary>
    public static IReadOnlyList<string> AvailableOps() =>
        Directory.EnumerateFiles(RepoPaths.OpFixturesDirectory, "*.safetensors")
            .Select(p => System.IO.Path.GetFileNameWithoutExtension(p))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Loads tests/fixtures/ops/&lt;op&gt;.safetensors from the repository.</summary>
    public static OpFixture Load(string op) => LoadFile(System.IO.Path.Combine(RepoPaths.OpFixturesDirectory, op + ".safetensors"));

    /// <summary>Loads a fixture file from an explicit path.</summary>
    /// <exception cref="InvalidDataException">The file does not follow the fixture conventions.</exception>
    /// <exception cref="SafeTensorsFormatException">The file is not valid safetensors.</exception>
    public static OpFixture LoadFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        using var file = SafeTensorsFile.Parse(bytes, path);
        string op = file.Metadata.TryGetValue("op", out var o) ? o : throw Bad(path, "metadata has no 'op'");
        string torch = file.Metadata.TryGetValue("torch", out var t) ? t : "";

        var byCase = new SortedDictionary<string, Dictionary<string, FixtureTensor>>(StringComparer.Ordinal);
        foreach (var entry in file.Entries)
        {
            int dot = entry.Name.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || dot == entry.Name.Length - 1)
                throw Bad(path, $"tensor name '{entry.Name}' is not '<case>.<role>'");
            string caseName = entry.Name[..dot];
            if (!byCase.TryGetValue(caseName, out var roles))
                byCase.Add(caseName, roles = new Dictionary<string, FixtureTensor>(StringComparer.Ordinal));
            roles.Add(entry.Name[(dot + 1)..], FixtureTensor.Read(file, entry));
        }
        foreach (var key in file.Metadata.Keys)
        {
            if (!ReservedMetadata.Contains(key) && !byCase.ContainsKey(key))
                throw Bad(path, $"metadata key '{key}' names no case");
        }

        var cases = new List<OpFixtureCase>();
        foreach (var (caseName, roles) in byCase)
            cases.Add(BuildCase(path, op, caseName, roles, file.Metadata));
        return new OpFixture(op, path, torch, cases);
    }

    private static OpFixtureCase BuildCase(string path, string op, string name, Dictionary<string, FixtureTensor> roles,
        IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(name, out var kwargsJson))
            throw Bad(path, $"case '{name}' has no kwargs entry in metadata");
        JsonElement kwargs;
        using (var doc = JsonDocument.Parse(kwargsJson))
            kwargs = doc.RootElement.Clone();
        if (kwargs.ValueKind != JsonValueKind.Object)
            throw Bad(path, $"case '{name}' kwargs are not a JSON object");

        var used = new HashSet<string>(StringComparer.Ordinal);
        var inputs = Numbered(roles, "in", used);
        if (inputs.Count == 0) throw Bad(path, $"case '{name}' has no inputs");

        bool single = roles.ContainsKey("out");
        List<FixtureTensor> outputs;
        var gouts = new List<FixtureTensor?>();
        if (single)
        {
            outputs = [roles["out"]];
            used.Add("out");
            gouts.Add(Take(roles, "gout", used));
        }
        else
        {
            outputs = Numbered(roles, "out", used);
            for (int i = 0; i < outputs.Count; i++) gouts.Add(Take(roles, "gout" + i, used));
        }
        if (outputs.Count == 0) throw Bad(path, $"case '{name}' has no outputs");

        var grads = new List<FixtureTensor?>();
        for (int i = 0; i < inputs.Count; i++) grads.Add(Take(roles, "grad" + i, used));

        var extras = roles.Where(kv => !used.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var key in extras.Keys)
        {
            if (key.StartsWith("in", StringComparison.Ordinal) || key.StartsWith("out", StringComparison.Ordinal)
                || key.StartsWith("gout", StringComparison.Ordinal) || key.StartsWith("grad", StringComparison.Ordinal))
                throw Bad(path, $"case '{name}' has unexpected role '{key}' (numbering gap or stray tensor)");
        }
        return new OpFixtureCase(op, name, kwargs, inputs, outputs, single, gouts, grads, extras);
    }

    private static List<FixtureTensor> Numbered(Dictionary<string, FixtureTensor> roles, string prefix, HashSet<string> used)
    {
        var list = new List<FixtureTensor>();
        while (roles.TryGetValue(prefix + list.Count, out var t))
        {
            used.Add(prefix + list.Count);
            list.Add(t);
        }
        return list;
    }

    private static FixtureTensor? Take(Dictionary<string, FixtureTensor> roles, string role, HashSet<string> used)
    {
        if (!roles.TryGetValue(role, out var t)) return null;
        used.Add(role);
        return t;
    }

    private static InvalidDataException Bad(string path, string detail) => new($"Op fixture '{path}': {detail}.");
}
