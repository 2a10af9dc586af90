namespace Tessera.Nn.Layers;

/// <summary>Batch normalisation of (N, C, H, W) input.</summary>
public sealed class BatchNorm2d : BatchNormBase
{
    /// <summary>Creates the layer (PyTorch defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics).</summary>
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
    {
    }

    /// <inheritdoc/>
    protected override void CheckInput(Tensor x)
    {
        if (x.Rank != 4) throw new ArgumentException($"BatchNorm2d expects 4-D input, got shape {FormatShape(x.Shape)}.");
    }
}
