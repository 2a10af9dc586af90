namespace Tessera;

/// <summary>
/// Deterministic release of a step's temporaries: storage of every tensor created on this thread while the scope is
/// open goes back to the pool when the scope is disposed, except for tensors passed to <see cref="Keep"/> and for
/// state. Without a scope, memory is reclaimed by the GC.
/// <code>
/// using (var scope = TensorScope.Begin()) { var loss = model(x); ...; scope.Keep(result); }
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// Ownership is by role, not by creation site: state that outlives a step is never owned by a scope, whichever step
/// creates it. Parameters and buffers registered with a module, gradients that autograd allocates for a leaf
/// (<see cref="Tensor.Grad"/>) and optimizer state are created or adopted outside any scope (see <see cref="Suspend"/>),
/// and a scope never releases their storage even if it tracked it earlier. So a scope can wrap every training step,
/// the first one included.
/// </para>
/// <para>
/// Scopes are per thread: two threads running inference on one model, each in its own scope, release only their own
/// temporaries. Using a released tensor afterwards throws <see cref="ObjectDisposedException"/>; it never reads freed memory.
/// </para>
/// </remarks>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly TensorScope? _parent;
    // A list, not a set: each storage is tracked once, when created, and appending is the per-op cost every tensor pays.
    private readonly List<Storage> _owned = [];
    private bool _disposed;

    private TensorScope(TensorScope? parent) => _parent = parent;

    /// <summary>Opens a scope nested in the current one (if any).</summary>
    public static TensorScope Begin() => _current = new TensorScope(_current);

    /// <summary>
    /// Until the result is disposed, tensors created on this thread belong to no scope (the GC, or their owner, frees
    /// them). Modules, optimizers and autograd use it for state created during a step; use it in custom optimizers
    /// and modules for the same purpose.
    /// <code>using (TensorScope.Suspend()) _cache = Tensor.Zeros([n, d]);</code>
    /// </summary>
    public static TensorScopeSuspension Suspend()
    {
        var suspended = _current;
        _current = null;
        return new TensorScopeSuspension(suspended);
    }

    // Called by TensorScopeSuspension.Dispose.
    internal static void Resume(TensorScope? suspended)
    {
        if (_current is not null)
            throw new InvalidOperationException("A TensorScope begun inside TensorScope.Suspend() must be disposed before the suspension.");
        _current = suspended;
    }

    internal static void Track(Storage storage) => _current?._owned.Add(storage);

    /// <summary>
    /// Declares <paramref name="tensor"/>'s storage long-lived state (a parameter, buffer, optimizer moment or cache):
    /// no open scope of this thread owns it any more, and no scope will ever release it; its owner, or the GC, frees
    /// it. Modules and optimizers call this for everything they keep; call it for state your own code keeps across
    /// steps. Returns <paramref name="tensor"/>.
    /// </summary>
    public static Tensor Persist(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var s = tensor.Storage;
        s.IsState = true;   // scopes that tracked it skip it when they dispose
        return tensor;
    }

    /// <summary>Keeps <paramref name="tensor"/> (and its gradient) alive past this scope: it moves to the enclosing scope, or to the GC.</summary>
    public Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Move(tensor.Storage);
        if (tensor.Grad is { } g) Move(g.Storage);
        return tensor;
    }

    private void Move(Storage s)
    {
        // Kept tensors are usually among the last created: search from the end.
        int i = _owned.LastIndexOf(s);
        if (i < 0) return;
        _owned[i] = _owned[^1];
        _owned.RemoveAt(_owned.Count - 1);
        _parent?._owned.Add(s);
    }

    /// <summary>Releases the memory of every tensor created in this scope and not kept (state excepted).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (!ReferenceEquals(_current, this))
            throw new InvalidOperationException("TensorScopes must be disposed in reverse order of creation, on the thread that created them.");
        _disposed = true;
        _current = _parent;
        foreach (var s in _owned)
            if (!s.IsState) s.Release();
        _owned.Clear();
    }
}
