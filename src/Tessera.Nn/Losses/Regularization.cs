namespace Tessera.Nn.Losses;

/// <summary>Weight penalties to add to a loss; both are differentiable scalars.</summary>
public static class Regularization
{
    /// <summary>Σ|p| over every element of every tensor (0 for none).</summary>
    public static Tensor L1(IEnumerable<Tensor> parameters) => Total(parameters, p => p.Abs().Sum());

    /// <summary>Σp² over every element of every tensor (no ½ factor; 0 for none).</summary>
    public static Tensor L2(IEnumerable<Tensor> parameters) => Total(parameters, p => p.Mul(p).Sum());

    private static Tensor Total(IEnumerable<Tensor> parameters, Func<Tensor, Tensor> term)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Tensor? total = null;
        foreach (var p in parameters)
        {
            var t = term(p);
            total = total is null ? t : total.Add(t);
        }
        return total ?? Tensor.Scalar(0);
    }
}
