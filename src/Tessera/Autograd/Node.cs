namespace Tessera.Autograd;

/// <summary>
/// One recorded op on the autograd tape: the inputs it read and the rule that maps the gradient of
/// its output to gradients of those inputs. The rule's closure holds the saved tensors; releasing
/// the node drops them, which is how the graph is freed after <see cref="Tensor.Backward(Tensor?, bool)"/>.
/// </summary>
public sealed class Node
{
    private Func<Tensor, Tensor?[]>? _backward;

    internal Node(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Name = name;
        Inputs = inputs;
        _backward = backward;
    }

    /// <summary>Op name in PyTorch's style, e.g. <c>MulBackward</c>.</summary>
    public string Name { get; }

    internal Tensor[] Inputs { get; }

    internal bool IsReleased => _backward is null;

    internal Tensor?[] Apply(Tensor grad)
    {
        var rule = _backward ?? throw new InvalidOperationException(
            $"Trying to backward through the graph a second time (at {Name}): its saved tensors were freed after the first Backward(). Pass retainGraph: true to the first call if you need to backward twice.");
        return rule(grad);
    }

    internal void Release() => _backward = null;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
