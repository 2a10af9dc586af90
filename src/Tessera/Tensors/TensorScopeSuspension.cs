namespace Tessera;

/// <summary>
/// The region returned by <see cref="TensorScope.Suspend"/>: while it is open, new tensors on this thread belong to no
/// scope. Disposing it restores the scope that was current.
/// </summary>
public readonly struct TensorScopeSuspension : IDisposable
{
    private readonly TensorScope? _suspended;

    internal TensorScopeSuspension(TensorScope? suspended) => _suspended = suspended;

    /// <summary>Restores the scope that was current when the suspension began.</summary>
    /// <exception cref="InvalidOperationException">When a scope begun inside the suspension is still open.</exception>
    public void Dispose() => TensorScope.Resume(_suspended);
}
