using System.Text.Json;

namespace Tessera.Testing.Fixtures;

/// <summary>
/// One case of an op fixture: inputs, keyword arguments, PyTorch's outputs, the upstream gradient(s)
/// used and PyTorch's input gradients. See tests/fixtures/README.md for the conventions.
/// </summary>
public sealed class OpFixtureCase
{
    internal OpFixtureCase(string op, string name, JsonElement kwargs, IReadOnlyList<FixtureTensor> inputs,
        IReadOnlyList<FixtureTensor> outputs, bool singleOutput, IReadOnlyList<FixtureTensor?> gradOutputs,
        IReadOnlyList<FixtureTensor?> grads, IReadOnlyDictionary<string, FixtureTensor> extras)
    {
        Op = op;
        Name = name;
        Kwargs = kwargs;
        Inputs = inputs;
        Outputs = outputs;
        SingleOutput = singleOutput;
        GradOutputs = gradOutputs;
        Grads = grads;
        Extras = extras;
    }

    /// <summary>The op name (file name).</summary>
    public string Op { get; }

    /// <summary>The case name, e.g. <c>"bcast"</c>.</summary>
    public string Name { get; }

    /// <summary>Non-tensor keyword arguments as PyTorch names them (a JSON object; empty when none).</summary>
    public JsonElement Kwargs { get; }

    /// <summary>Inputs <c>in0, in1, ...</c> in positional order.</summary>
    public IReadOnlyList<FixtureTensor> Inputs { get; }

    /// <summary>Outputs: one (<c>out</c>) or several (<c>out0, out1, ...</c>).</summary>
    public IReadOnlyList<FixtureTensor> Outputs { get; }

    /// <summary>True when the op returned a single tensor (stored as <c>out</c>), false for a tuple.</summary>
    public bool SingleOutput { get; }

    /// <summary>The single output.</summary>
    /// <exception cref="InvalidOperationException">The op returned a tuple.</exception>
    public FixtureTensor Output => SingleOutput ? Outputs[0]
        : throw new InvalidOperationException($"{this} has {Outputs.Count} outputs; use Outputs.");

    /// <summary>Upstream gradient per output (index-aligned with <see cref="Outputs"/>); null for non-differentiable outputs.</summary>
    public IReadOnlyList<FixtureTensor?> GradOutputs { get; }

    /// <summary>The upstream gradient of the single output, or null when there is none.</summary>
    public FixtureTensor? GradOutput => GradOutputs.Count == 1 ? GradOutputs[0] : null;

    /// <summary>True when PyTorch's backward was recorded (some gradient is present).</summary>
    public bool HasGrads => Grads.Any(g => g is not null);

    /// <summary>Gradient per input (index-aligned with <see cref="Inputs"/>); null for non-differentiable inputs.</summary>
    public IReadOnlyList<FixtureTensor?> Grads { get; }

    /// <summary>Other roles (batch_norm: <c>running_mean</c>, <c>running_var</c> after the call).</summary>
    public IReadOnlyDictionary<string, FixtureTensor> Extras { get; }

    /// <summary>True when the kwarg is present and not JSON null.</summary>
    public bool Has(string kwarg) => Kwargs.TryGetProperty(kwarg, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>A kwarg, or <paramref name="fallback"/> when absent.</summary>
    public int GetInt(string kwarg, int fallback) => Has(kwarg) ? Kwargs.GetProperty(kwarg).GetInt32() : fallback;

    /// <summary>A required int kwarg.</summary>
    public int GetInt(string kwarg) => Require(kwarg).GetInt32();

    /// <summary>A kwarg, or <paramref name="fallback"/> when absent.</summary>
    public double GetDouble(string kwarg, double fallback) => Has(kwarg) ? Kwargs.GetProperty(kwarg).GetDouble() : fallback;

    /// <summary>A required double kwarg.</summary>
    public double GetDouble(string kwarg) => Require(kwarg).GetDouble();

    /// <summary>A kwarg, or <paramref name="fallback"/> when absent.</summary>
    public bool GetBool(string kwarg, bool fallback) => Has(kwarg) ? Kwargs.GetProperty(kwarg).GetBoolean() : fallback;

    /// <summary>A kwarg, or <paramref name="fallback"/> when absent.</summary>
    public string? GetString(string kwarg, string? fallback = null) =>
        Has(kwarg) && Kwargs.GetProperty(kwarg).ValueKind == JsonValueKind.String ? Kwargs.GetProperty(kwarg).GetString() : fallback;

    /// <summary>
    /// An int-or-list kwarg as an array: <c>2</c> gives <c>[2]</c> (or <paramref name="repeat"/> copies),
    /// <c>[1, 2]</c> gives <c>[1, 2]</c>; null when absent.
    /// </summary>
    public int[]? GetInts(string kwarg, int repeat = 1)
    {
        if (!Has(kwarg)) return null;
        var v = Kwargs.GetProperty(kwarg);
        return v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.GetInt32()).ToArray()
            : Enumerable.Repeat(v.GetInt32(), repeat).ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Op}.{Name} {Kwargs.GetRawText()}";

    private JsonElement Require(string kwarg) =>
        Has(kwarg) ? Kwargs.GetProperty(kwarg) : throw new KeyNotFoundException($"{this}: no kwarg '{kwarg}'.");
}
