using System.Globalization;
using System.Text;

namespace Tessera.Nn;

/// <summary>
/// Base of all layers and models (PyTorch's <c>nn.Module</c>): owns parameters, buffers and sub-modules, registered
/// explicitly and kept in registration order, and a training flag. It has no forward of its own: a module derives
/// from one of the typed signatures, <see cref="Module{TIn, TOut}"/> (one input), <see cref="Module{T1, T2, TOut}"/>
/// (e.g. a loss: input, target), <see cref="Module{T1, T2, T3, TOut}"/> or <see cref="Module{T1, T2, T3, T4, TOut}"/>
/// (e.g. attention: q, k, v, mask), whose type arguments may be tuples, nullable states or cache objects.
/// Any module can be a child of any other, whatever its signature.
/// </summary>
public abstract class Module
{
    private readonly OrderedDictionary<string, Parameter?> _parameters = new();
    private readonly OrderedDictionary<string, Tensor?> _buffers = new();
    private readonly HashSet<string> _nonPersistent = new();
    private readonly OrderedDictionary<string, Module> _modules = new();

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Registers (or replaces) a parameter under <paramref name="name"/>; null keeps the slot empty (e.g. no bias).</summary>
    public Parameter? RegisterParameter(string name, Parameter? parameter)
    {
        CheckName(name, _parameters.ContainsKey(name) ? null : "parameter");
        if (parameter is not null) TensorScope.Persist(parameter);   // the module owns it, whichever scope created it
        _parameters[name] = parameter;
        return parameter;
    }

    /// <summary>Registers (or replaces) a buffer: state that is not trained; non-persistent buffers stay out of the state dict.</summary>
    public Tensor? RegisterBuffer(string name, Tensor? buffer, bool persistent = true)
    {
        CheckName(name, _buffers.ContainsKey(name) ? null : "buffer");
        if (buffer is not null) TensorScope.Persist(buffer);
        _buffers[name] = buffer;
        if (persistent) _nonPersistent.Remove(name); else _nonPersistent.Add(name);
        return buffer;
    }

    /// <summary>Registers (or replaces) a sub-module under <paramref name="name"/>.</summary>
    public TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name, _modules.ContainsKey(name) ? null : "module");
        _modules[name] = module;
        return module;
    }

    private void CheckName(string name, string? kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.')) throw new ArgumentException($"Name \"{name}\" must not contain '.'.", nameof(name));
        if (kind is null) return;
        if ((kind != "parameter" && _parameters.ContainsKey(name)) || (kind != "buffer" && _buffers.ContainsKey(name)) || (kind != "module" && _modules.ContainsKey(name)))
            throw new ArgumentException($"Name \"{name}\" is already used by another parameter, buffer or module of {GetType().Name}.", nameof(name));
    }

    /// <summary>Gets a directly registered parameter (null when the slot is empty).</summary>
    protected Parameter? GetParameter(string name) => _parameters.TryGetValue(name, out var p) ? p : throw new KeyNotFoundException($"{GetType().Name} has no parameter \"{name}\".");

    /// <summary>Gets a directly registered buffer (null when the slot is empty).</summary>
    protected Tensor? GetBuffer(string name) => _buffers.TryGetValue(name, out var b) ? b : throw new KeyNotFoundException($"{GetType().Name} has no buffer \"{name}\".");

    /// <summary>Direct sub-modules in registration order.</summary>
    public IEnumerable<Module> Children() => NamedChildren().Select(c => c.Module);

    /// <summary>Direct sub-modules with their names, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        foreach (var kv in _modules) yield return (kv.Key, kv.Value);
    }

    /// <summary>This module (named "") and every descendant, depth first, each once, with dotted names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return Walk(this, "", seen);

        static IEnumerable<(string, Module)> Walk(Module m, string prefix, HashSet<Module> seen)
        {
            if (!seen.Add(m)) yield break;
            yield return (prefix, m);
            foreach (var kv in m._modules)
                foreach (var item in Walk(kv.Value, Join(prefix, kv.Key), seen))
                    yield return item;
        }
    }

    private static IEnumerable<(string Name, Module Module)> AllNamedModules(Module m, string prefix)
    {
        yield return (prefix, m);
        foreach (var kv in m._modules)
            foreach (var item in AllNamedModules(kv.Value, Join(prefix, kv.Key)))
                yield return item;
    }

    /// <summary>This module and every descendant, each once.</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>Every parameter with its dotted name (e.g. <c>features.0.weight</c>), in registration order, each once.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, m) in NamedModules())
            foreach (var kv in m._parameters)
                if (kv.Value is not null && seen.Add(kv.Value))
                    yield return (Join(prefix, kv.Key), kv.Value);
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer (persistent or not) with its dotted name, each once.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, m) in NamedModules())
            foreach (var kv in m._buffers)
                if (kv.Value is not null && seen.Add(kv.Value))
                    yield return (Join(prefix, kv.Key), kv.Value);
    }

    /// <summary>Every buffer.</summary>
    public IEnumerable<Tensor> Buffers() => NamedBuffers().Select(b => b.Buffer);

    /// <summary>Total number of parameter elements.</summary>
    public long ParameterCount => Parameters().Sum(p => p.Numel);

    /// <summary>Sets training mode on this module and all descendants.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules()) m.Training = mode;
        return this;
    }

    /// <summary>Sets evaluation mode (<c>Train(false)</c>).</summary>
    public Module Eval() => Train(false);

    /// <summary>Calls <paramref name="fn"/> on every descendant and then on this module (children first, as PyTorch).</summary>
    public Module Apply(Action<Module> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        foreach (var child in _modules.Values) child.Apply(fn);
        fn(this);
        return this;
    }

    /// <summary>Drops the gradients of all parameters (sets them to null, as PyTorch's default).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ReleaseGrad();
    }

    /// <summary>
    /// Parameters and persistent buffers by dotted name, in registration order, as detached views of the live values.
    /// Shared modules and tied parameters appear under each of their names (as in PyTorch).
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var dict = new OrderedDictionary<string, Tensor>();
        // No de-duplication here, as PyTorch: a shared module or tied weight appears under every name it has.
        foreach (var (prefix, m) in AllNamedModules(this, ""))
        {
            foreach (var kv in m._parameters)
                if (kv.Value is not null) dict.TryAdd(Join(prefix, kv.Key), kv.Value.Detach());
            foreach (var kv in m._buffers)
                if (kv.Value is not null && !m._nonPersistent.Contains(kv.Key)) dict.TryAdd(Join(prefix, kv.Key), kv.Value.Detach());
        }
        return dict;
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into the parameters and persistent buffers in place (under no-grad).
    /// Shapes must match. With <paramref name="strict"/>, keys must match exactly. Nothing is copied when anything is wrong;
    /// one <see cref="StateDictException"/> then names every missing key, unexpected key and shape mismatch.
    /// Returns the missing and unexpected keys (empty when strict).
    /// </summary>
    public (IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys) LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatches = new List<string>();
        foreach (var (key, target) in own)
        {
            if (!stateDict.TryGetValue(key, out var src)) continue;
            if (!src.Shape.SequenceEqual(target.Shape))
                mismatches.Add($"size mismatch for {key}: copying a param with shape {FormatShape(src.Shape)} from checkpoint, the shape in current model is {FormatShape(target.Shape)}.");
        }
        if (mismatches.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new StateDictException(GetType().Name, strict ? missing : [], strict ? unexpected : [], mismatches);
        using (GradMode.NoGrad())
        {
            foreach (var (key, target) in own)
                if (stateDict.TryGetValue(key, out var src)) target.CopyFrom_(src);
        }
        return (missing, unexpected);
    }

    /// <summary>Extra text inside this module's parentheses in <see cref="ToString"/> (its hyper-parameters).</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>PyTorch-style printout: <c>Name(extra)</c>, or a nested, indented list of <c>(name): child</c> lines.</summary>
    public override string ToString()
    {
        var lines = new List<string>();
        string extra = ExtraRepr();
        if (extra.Length > 0) lines.AddRange(extra.Split('\n'));
        foreach (var kv in _modules)
            lines.Add($"({kv.Key}): {Indent(kv.Value.ToString(), 2)}");
        var sb = new StringBuilder(GetType().Name).Append('(');
        if (lines.Count == 1 && _modules.Count == 0) sb.Append(lines[0]);
        else if (lines.Count > 0)
        {
            foreach (var line in lines) sb.Append("\n  ").Append(line);
            sb.Append('\n');
        }
        return sb.Append(')').ToString();
    }

    private static string Indent(string s, int spaces) => s.Replace("\n", "\n" + new string(' ', spaces));

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Formats a shape as <c>[2, 3]</c>.</summary>
    internal static string FormatShape(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Formats a double as Python's repr does for common values (0.1, 1e-05, 1.0).</summary>
    internal static string PyFloat(double v)
    {
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        if (e >= 0)
        {
            string mant = s[..e], exp = s[(e + 1)..];
            char sign = exp[0] == '-' ? '-' : '+';
            exp = exp.TrimStart('+', '-');
            if (exp.Length < 2) exp = "0" + exp;
            return $"{mant}e{sign}{exp}";
        }
        return s.Contains('.') || s.Contains("Infinity") || s.Contains("NaN") ? s : s + ".0";
    }

    /// <summary>Python's bool spelling.</summary>
    internal static string PyBool(bool b) => b ? "True" : "False";

    /// <summary>Python's tuple spelling of a pair.</summary>
    internal static string PyPair((int H, int W) p) => $"({p.H}, {p.W})";
}
