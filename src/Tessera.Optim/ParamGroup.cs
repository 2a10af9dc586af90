using System.Globalization;

namespace Tessera.Optim;

/// <summary>
/// A set of parameters optimised with their own hyper-parameters. Every hyper-parameter lives in
/// <see cref="Options"/> under its PyTorch name ("lr", "weight_decay", "momentum", "beta1", "beta2",
/// "eps", ...; booleans are stored as 0/1), so a group serialises as a plain name → number map.
/// Options not set on the group are filled from the optimizer's defaults when the group is added.
/// </summary>
public sealed class ParamGroup
{
    private readonly List<Tensor> _params;

    /// <summary>A group over <paramref name="parameters"/>, optionally overriding the learning rate and weight decay.</summary>
    public ParamGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _params = parameters.ToList();
        foreach (var p in _params)
            if (p is null) throw new ArgumentException("A parameter group contains a null tensor.", nameof(parameters));
        if (lr is { } l) Options["lr"] = l;
        if (weightDecay is { } w) Options["weight_decay"] = w;
    }

    /// <summary>The parameters of this group, in order.</summary>
    public IReadOnlyList<Tensor> Params => _params;

    /// <summary>Hyper-parameters by PyTorch name (booleans as 0/1).</summary>
    public Dictionary<string, double> Options { get; } = new(StringComparer.Ordinal);

    /// <summary>Learning rate ("lr"); schedulers write it before each step.</summary>
    public double Lr
    {
        get => Get("lr");
        set => Options["lr"] = value;
    }

    /// <summary>Weight decay ("weight_decay").</summary>
    public double WeightDecay
    {
        get => Get("weight_decay");
        set => Options["weight_decay"] = value;
    }

    /// <summary>The learning rate a scheduler started from ("initial_lr"), or null before any scheduler was attached.</summary>
    public double? InitialLr
    {
        get => Options.TryGetValue("initial_lr", out var v) ? v : null;
        set
        {
            if (value is { } v) Options["initial_lr"] = v;
            else Options.Remove("initial_lr");
        }
    }

    /// <summary>The hyper-parameter <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">When the group has no such option.</exception>
    public double Get(string key) =>
        Options.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"Parameter group has no option '{key}'.");

    /// <summary>The boolean hyper-parameter <paramref name="key"/> (stored as 0/1).</summary>
    public bool GetBool(string key) => Get(key) != 0;

    /// <summary>Sets the hyper-parameter <paramref name="key"/>; returns this group for chaining.</summary>
    public ParamGroup Set(string key, double value)
    {
        Options[key] = value;
        return this;
    }

    /// <summary>Sets the boolean hyper-parameter <paramref name="key"/> (stored as 0/1); returns this group.</summary>
    public ParamGroup Set(string key, bool value) => Set(key, value ? 1.0 : 0.0);

    internal static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
