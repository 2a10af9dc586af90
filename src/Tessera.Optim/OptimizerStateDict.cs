using Tessera.IO;
namespace Tessera.Optim;

/// <summary>
/// The saved form of an <see cref="Optimizer"/>, shaped like PyTorch's <c>state_dict()</c>:
/// <list type="bullet">
/// <item><see cref="Groups"/>: one entry per parameter group, its hyper-parameters (name → number, booleans 0/1)
/// and the indices of its parameters;</item>
/// <item><see cref="State"/>: parameter index → <see cref="ParamState"/> (step count and named buffers such as
/// "momentum_buffer", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "square_avg", "grad_avg", "sum"). Parameters
/// that never received an update have no entry.</item>
/// </list>
/// Parameter indices count through the groups in order and through each group's parameters in order.
/// Tensors are deep copies, so the dictionary stays valid while the optimizer keeps training; loading
/// copies again. <see cref="ToTensors"/> / <see cref="FromTensors"/> flatten it to named tensors plus
/// string metadata (e.g. for a safetensors file).
/// </summary>
public sealed class OptimizerStateDict
{
    /// <summary>Parameter groups in order.</summary>
    public List<ParamGroupState> Groups { get; init; } = [];

    /// <summary>Per-parameter state by parameter index.</summary>
    public SortedDictionary<int, ParamState> State { get; init; } = [];

    /// <summary>
    /// Flattens to named tensors "state.{index}.{buffer}" and metadata: "groups" (JSON array of
    /// {"options": {...}, "params": [...]}) and "steps" (JSON object index → step count).
    /// </summary>
    public (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) ToTensors()
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var steps = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (i, s) in State)
        {
            steps[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = s.Step;
            foreach (var (k, v) in s.Buffers) tensors[$"state.{i}.{k}"] = v;
        }
        var groups = Groups.Select(g => new GroupJson { Options = g.Options, Params = g.ParamIndices }).ToList();
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["groups"] = System.Text.Json.JsonSerializer.Serialize(groups),
            ["steps"] = System.Text.Json.JsonSerializer.Serialize(steps),
        };
        return (tensors, meta);
    }

    /// <summary>Rebuilds a state dictionary from the output of <see cref="ToTensors"/>.</summary>
    /// <exception cref="FormatException">When the metadata or a tensor name is malformed.</exception>
    public static OptimizerStateDict FromTensors(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue("groups", out var gj) || !metadata.TryGetValue("steps", out var sj))
            throw new FormatException("Optimizer state metadata needs 'groups' and 'steps'.");
        var groups = System.Text.Json.JsonSerializer.Deserialize<List<GroupJson>>(gj) ?? throw new FormatException("Bad 'groups' metadata.");
        var steps = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(sj) ?? throw new FormatException("Bad 'steps' metadata.");
        var dict = new OptimizerStateDict();
        foreach (var g in groups)
            dict.Groups.Add(new ParamGroupState { Options = new Dictionary<string, double>(g.Options, StringComparer.Ordinal), ParamIndices = g.Params });
        foreach (var (k, step) in steps)
            dict.State[int.Parse(k, System.Globalization.CultureInfo.InvariantCulture)] = new ParamState { Step = step };
        foreach (var (name, t) in tensors)
        {
            var parts = name.Split('.', 3);
            if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out int idx))
                throw new FormatException($"Unexpected optimizer state tensor name '{name}'.");
            if (!dict.State.TryGetValue(idx, out var s)) dict.State[idx] = s = new ParamState();
            s.Buffers[parts[2]] = t;
        }
        return dict;
    }

    /// <summary>Writes <see cref="ToTensors"/>'s tensors and metadata to a safetensors file (atomically).</summary>
    public void Save(string path)
    {
        var (tensors, meta) = ToTensors();
        SafeTensors.Save(tensors, path, meta);
    }

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    public static OptimizerStateDict Load(string path)
    {
        var tensors = SafeTensors.Load(path, out var metadata);
        return FromTensors(tensors, metadata);
    }

    private sealed class GroupJson
    {
        public Dictionary<string, double> Options { get; set; } = [];
        public int[] Params { get; set; } = [];
    }
}
