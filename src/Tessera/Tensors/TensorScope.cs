namespace Tessera;

/// <summary>
/// Deterministic release of tensor memory: storage of every tensor created on this thread while the
/// scope is open goes back to the pool when the scope is disposed, except for tensors passed to
/// <see cref="Keep"/>. Without a scope, memory is reclaimed by the GC.
/// <code>
/// using (var scope = TensorScope.Begin()) { var loss = model(x); ...; scope.Keep(result); }
/// </code>
/// </summary>
/// <remarks>Using a released tensor afterwards throws <see cref="ObjectDisposedException"/>; it never reads freed memory.</remarks>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly TensorScope? _parent;
    private readonly HashSet<Storage> _owned = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    private TensorScope(TensorScope? parent) => _parent = parent;

    /// <summary>Opens a scope nested in the current one (if any).</summary>
    public static TensorScope Begin() => _current = new TensorScope(_current);

    internal static void Track(Storage storage) => _current?._owned.Add(storage);

    /// <summary>Keeps <paramref name="tensor"/> (and its gradient) alive past this scope: it moves to the enclosing scope, or to the GC.</summary>
    public Tensor Keep(Tensor tensor)
    {
        Move(tensor.Storage);
        if (tensor.Grad is { } g) Move(g.Storage);
        return tensor;
    }

    private void Move(Storage s)
    {
        if (_owned.Remove(s)) _parent?._owned.Add(s);
    }

    /// <summary>Releases the memory of every tensor created in this scope and not kept.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (!ReferenceEquals(_current, this))
            throw new InvalidOperationException("TensorScopes must be disposed in reverse order of creation, on the thread that created them.");
        _disposed = true;
        _current = _parent;
        foreach (var s in _owned) s.Release();
        _owned.Clear();
    }
}
