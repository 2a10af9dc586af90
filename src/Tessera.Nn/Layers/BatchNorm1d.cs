namespace Tessera.Nn.Layers;

/// <summary>Batch normalisation of (N, C) or (N, C, L) input.</summary>
public sealed class BatchNorm1d : BatchNormBase
{
    /// <summary>Creates the layer (PyTorch defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics).</summary>
    public BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
    {
    }

    /// <inheritdoc/>
    protected override void CheckInput(Tensor x)
    {
        if (x.Rank != 2 && x.Rank != 3) throw new ArgumentException($"BatchNorm1d expects 2-D or 3-D input, got shape {FormatShape(x.Shape)}.");
    }
}
