namespace Tessera.Nn.Layers;

/// <summary>Normalises over the trailing <see cref="NormalizedShape"/> dims, then applies an element-wise affine map.</summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    /// <summary>Normalises over one trailing dim of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, dtype)
    {
    }

    /// <summary>Normalises over trailing dims of shape <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), $"LayerNorm normalized_shape must be non-empty and positive, got {FormatShape(normalizedShape)}.");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"LayerNorm eps must be positive, got {eps}.");
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        Weight = RegisterParameter("weight", elementwiseAffine ? new Parameter(Tensor.Ones(NormalizedShape, dtype)) : null);
        Bias = RegisterParameter("bias", elementwiseAffine ? new Parameter(Tensor.Zeros(NormalizedShape, dtype)) : null);
    }

    /// <summary>Trailing dims normalised over.</summary>
    public int[] NormalizedShape { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Whether weight and bias exist.</summary>
    public bool ElementwiseAffine { get; }

    /// <summary>Scale (normalized_shape) or null.</summary>
    public Parameter? Weight { get; }

    /// <summary>Shift (normalized_shape) or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>Sets weight = 1, bias = 0.</summary>
    public void ResetParameters()
    {
        if (Weight is not null) Init.Ones(Weight);
        if (Bias is not null) Init.Zeros(Bias);
    }

    /// <summary>Same shape out as in.</summary>
    public override Tensor Forward(Tensor x) => Functional.LayerNorm(x, NormalizedShape, Weight, Bias, Eps);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"({string.Join(", ", NormalizedShape)}{(NormalizedShape.Length == 1 ? "," : "")}), eps={PyFloat(Eps)}, elementwise_affine={PyBool(ElementwiseAffine)}";
}
