namespace Tessera.Nn.Layers;

/// <summary>y = x·Wᵀ + b with W (out_features, in_features).</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer and initialises it as PyTorch does (see <see cref="ResetParameters"/>).</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, $"Linear in_features must be positive, got {inFeatures}.");
        if (outFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, $"Linear out_features must be positive, got {outFeatures}.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([outFeatures, inFeatures], dtype)))!;
        Bias = RegisterParameter("bias", bias ? new Parameter(Tensor.Zeros([outFeatures], dtype)) : null);
        ResetParameters(generator);
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>Weight (out_features, in_features).</summary>
    public Parameter Weight { get; }

    /// <summary>Bias (out_features) or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>Weight and bias ~ U(−1/√in_features, 1/√in_features).</summary>
    public void ResetParameters(Generator? generator = null) => Init.DefaultLinearLike(Weight, Bias, generator);

    /// <summary>(*, in_features) → (*, out_features).</summary>
    public override Tensor Forward(Tensor x) => Tensor.Linear(x, Weight, Bias);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={PyBool(Bias is not null)}";
}
