namespace Tessera.Nn;

/// <summary>
/// Runs its one-input children in order, each on the previous output; children are named "0", "1", ….
/// Modules with several inputs or non-tensor outputs do not chain: call them from a module's own <c>Forward</c>.
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _items = new();

    /// <summary>Creates a sequence of <paramref name="modules"/>.</summary>
    public Sequential(params Module<Tensor, Tensor>[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends a module (named by its position).</summary>
    public Sequential Add(Module<Tensor, Tensor> module)
    {
        RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }

    /// <summary>Number of modules.</summary>
    public int Count => _items.Count;

    /// <summary>The module at <paramref name="index"/>.</summary>
    public Module<Tensor, Tensor> this[int index] => _items[index];

    /// <summary>Feeds <paramref name="x"/> through every module in order.</summary>
    public override Tensor Forward(Tensor x)
    {
        foreach (var m in _items) x = m.Forward(x);
        return x;
    }
}
