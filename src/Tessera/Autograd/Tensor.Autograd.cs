using Tessera.Autograd;

namespace Tessera;

public partial class Tensor
{
    private bool _requiresGrad;

    /// <summary>
    /// Whether gradients are computed for this tensor. Settable on leaves (tensors not produced by a
    /// recorded op); only floating-point tensors can require gradients.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (value && !DType.IsFloatingPoint())
                throw new InvalidOperationException($"Only floating-point tensors can require gradients; this one is {DType.Name()}.");
            if (!value && GradFn is not null)
                throw new InvalidOperationException($"RequiresGrad cannot be turned off on a non-leaf tensor (produced by {GradFn.Name}); use Detach().");
            _requiresGrad = value;
        }
    }

    /// <summary>Accumulated gradient of a leaf after <see cref="Backward(Tensor?, bool)"/>; null before.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The op that produced this tensor, or null for leaves.</summary>
    public Node? GradFn { get; private set; }

    /// <summary>True when this tensor was not produced by a recorded op.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>A view of the same data that does not require grad and has no history.</summary>
    public Tensor Detach() => new(Storage, DType, _shape, _strides, Offset);

    /// <summary>Makes this tensor require grad in place and returns it (PyTorch's <c>requires_grad_()</c>).</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    internal static bool NeedsGrad(Tensor a) => GradMode.IsEnabled && a._requiresGrad;

    internal static bool NeedsGrad(Tensor a, Tensor b) => GradMode.IsEnabled && (a._requiresGrad || b._requiresGrad);

    internal static bool NeedsGrad(Tensor a, Tensor b, Tensor? c) => GradMode.IsEnabled && (a._requiresGrad || b._requiresGrad || (c?._requiresGrad ?? false));

    internal static bool NeedsGrad(IEnumerable<Tensor> ts)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in ts) if (t._requiresGrad) return true;
        return false;
    }

    /// <summary>Records this tensor as the output of an op whose backward is <paramref name="backward"/>.</summary>
    /// <remarks>The rule receives dL/d(this) and returns one gradient (or null) per input, in input order, each of the input's shape.</remarks>
    internal void SetGradFn(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        GradFn = new Node(name, inputs, backward);
        _requiresGrad = true;
    }

    /// <summary>
    /// Computes gradients of this tensor with respect to every leaf that requires grad and adds them
    /// to the leaves' <see cref="Grad"/>. A scalar (one-element) tensor needs no <paramref name="gradient"/>;
    /// otherwise pass dL/d(this) of the same shape. The graph is freed unless <paramref name="retainGraph"/>.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false)
    {
        if (!_requiresGrad)
            throw new InvalidOperationException("Backward() called on a tensor that does not require grad and has no grad_fn.");
        if (gradient is null)
        {
            if (Numel != 1)
                throw new InvalidOperationException($"Backward() without a gradient needs a scalar output; this tensor has shape {ShapeUtil.Format(Shape)}. Pass a gradient of that shape.");
            gradient = OnesLike(this);
        }
        else if (!ShapeUtil.SameShape(gradient.Shape, Shape))
            throw new ArgumentException($"Gradient shape {ShapeUtil.Format(gradient.Shape)} does not match the tensor's shape {ShapeUtil.Format(Shape)}.");
        else if (gradient.DType != DType) gradient = gradient.To(DType);
        BackwardEngine.Run(this, gradient.Detach(), retainGraph);
    }

    // The gradient autograd allocated for this tensor; only that one is freed by ReleaseGrad (a user-assigned Grad is the user's).
    private Tensor? _ownedGrad;

    /// <summary>
    /// Sets <see cref="Grad"/> to null (<c>ZeroGrad</c>); a gradient that autograd allocated goes back to the pool now,
    /// so steady-state training reuses gradient memory with or without a scope. A reference to the old gradient kept
    /// past this call throws <see cref="ObjectDisposedException"/> on use (clone it to keep it).
    /// </summary>
    public void ReleaseGrad()
    {
        var g = Grad;
        Grad = null;
        if (g is not null && ReferenceEquals(g, _ownedGrad)) g.Storage.Release();
        _ownedGrad = null;
    }

    /// <summary>Adds <paramref name="g"/> into <see cref="Grad"/> (allocating it on first use).</summary>
    internal void AccumulateGrad(Tensor g)
    {
        if (g.DType != DType) g = g.To(DType);
        if (!ShapeUtil.SameShape(g.Shape, Shape))
            throw new InvalidOperationException($"Internal autograd error: gradient of shape {ShapeUtil.Format(g.Shape)} for a tensor of shape {ShapeUtil.Format(Shape)}.");
        if (Grad is null)
        {
            // Own the gradient: the op may have handed the same tensor to several inputs. It is state, not a
            // temporary of the step that happens to create it: no scope owns it, and ReleaseGrad frees it.
            Tensor owned;
            using (TensorScope.Suspend()) owned = EmptyLike();
            owned.Storage.IsState = true;
            CopyRaw(g, owned);
            Grad = _ownedGrad = owned;
        }
        else
        {
            using (GradMode.NoGrad()) Grad.Add_(g);
        }
    }
}
