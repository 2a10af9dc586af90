namespace Tessera.Nn.Layers;

/// <summary>2-D average pooling.</summary>
public sealed class AvgPool2d : Module<Tensor, Tensor>
{
    /// <summary>Square window; stride defaults to the kernel size.</summary>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        if (kernelSize <= 0) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, $"AvgPool2d kernel_size must be positive, got {kernelSize}.");
        if (stride is <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"AvgPool2d stride must be positive, got {stride}.");
        if (padding < 0 || padding > kernelSize / 2) throw new ArgumentOutOfRangeException(nameof(padding), padding, $"AvgPool2d padding must be in [0, kernel_size/2], got {padding}.");
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
    }

    /// <summary>Window size.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public int Padding { get; }

    /// <summary>Round the output size up instead of down.</summary>
    public bool CeilMode { get; }

    /// <summary>Whether padded zeros count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <summary>(N, C, H, W) → (N, C, H_out, W_out).</summary>
    public override Tensor Forward(Tensor x) =>
        Functional.AvgPool2d(x, (KernelSize, KernelSize), (Stride, Stride), (Padding, Padding), CeilMode, CountIncludePad);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}
