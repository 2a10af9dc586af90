namespace Tessera.Autograd;

/// <summary>Runs reverse-mode differentiation over the recorded graph in reverse topological order.</summary>
internal static class BackwardEngine
{
    public static void Run(Tensor root, Tensor gradient, bool retainGraph)
    {
        if (root.GradFn is null)
        {
            root.AccumulateGrad(gradient);
            return;
        }
        var order = TopologicalOrder(root.GradFn);
        var pending = new Dictionary<Node, Tensor>(ReferenceEqualityComparer.Instance) { [root.GradFn] = gradient };
        using var _ = GradMode.NoGrad();
        foreach (Node node in order)
        {
            if (!pending.Remove(node, out Tensor? grad)) continue;
            Tensor?[] inputGrads = node.Apply(grad);
            if (!retainGraph) node.Release();
            for (int i = 0; i < node.Inputs.Length; i++)
            {
                Tensor input = node.Inputs[i];
                Tensor? g = i < inputGrads.Length ? inputGrads[i] : null;
                if (g is null || !input.RequiresGrad) continue;
                if (!ShapeUtil.SameShape(g.Shape, input.Shape))
                    throw new InvalidOperationException($"Internal autograd error in {node.Name}: gradient {i} has shape {ShapeUtil.Format(g.Shape)}, input has {ShapeUtil.Format(input.Shape)}.");
                if (input.GradFn is { } producer)
                    pending[producer] = pending.TryGetValue(producer, out Tensor? acc) ? acc.Add(g) : g;
                else
                    input.AccumulateGrad(g);
            }
        }
    }

    /// <summary>Nodes reachable from <paramref name="root"/>, each after every node that consumes its output.</summary>
    private static List<Node> TopologicalOrder(Node root)
    {
        var visited = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var postOrder = new List<Node>();
        var stack = new Stack<(Node Node, int Next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.Inputs.Length)
            {
                stack.Push((node, next + 1));
                if (node.Inputs[next].GradFn is { } child && visited.Add(child))
                {
                    if (child.IsReleased)
                        throw new InvalidOperationException($"Trying to backward through the graph a second time (at {child.Name}): its saved tensors were freed after the first Backward(). Pass retainGraph: true to the first call if you need to backward twice.");
                    stack.Push((child, 0));
                }
            }
            else postOrder.Add(node);
        }
        postOrder.Reverse();
        return postOrder;
    }
}
