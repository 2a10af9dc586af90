namespace Tessera.Nn.Layers;

/// <summary>Average pooling to a fixed output size, whatever the input size.</summary>
public sealed class AdaptiveAvgPool2d : Module<Tensor, Tensor>
{
    private readonly bool _square;

    /// <summary>Square output (size, size).</summary>
    public AdaptiveAvgPool2d(int outputSize) : this((outputSize, outputSize)) => _square = true;

    /// <summary>Output (H, W).</summary>
    public AdaptiveAvgPool2d((int H, int W) outputSize)
    {
        if (outputSize.H <= 0 || outputSize.W <= 0) throw new ArgumentOutOfRangeException(nameof(outputSize), $"AdaptiveAvgPool2d output_size must be positive, got {PyPair(outputSize)}.");
        OutputSize = outputSize;
    }

    /// <summary>Output (H, W).</summary>
    public (int H, int W) OutputSize { get; }

    /// <summary>(N, C, H, W) → (N, C, out_H, out_W).</summary>
    public override Tensor Forward(Tensor x) => Functional.AdaptiveAvgPool2d(x, OutputSize);

    /// <inheritdoc/>
    protected override string ExtraRepr() => "output_size=" + (_square ? OutputSize.H.ToString(System.Globalization.CultureInfo.InvariantCulture) : PyPair(OutputSize));
}
