namespace Tessera.Nn.Layers;

/// <summary>2-D max pooling.</summary>
public sealed class MaxPool2d : Module<Tensor, Tensor>
{
    /// <summary>Square window; stride defaults to the kernel size.</summary>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        if (kernelSize <= 0) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, $"MaxPool2d kernel_size must be positive, got {kernelSize}.");
        if (stride is <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"MaxPool2d stride must be positive, got {stride}.");
        if (padding < 0 || padding > kernelSize / 2) throw new ArgumentOutOfRangeException(nameof(padding), padding, $"MaxPool2d padding must be in [0, kernel_size/2], got {padding}.");
        if (dilation <= 0) throw new ArgumentOutOfRangeException(nameof(dilation), dilation, $"MaxPool2d dilation must be positive, got {dilation}.");
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
        Dilation = dilation;
        CeilMode = ceilMode;
    }

    /// <summary>Window size.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Implicit −∞ padding on each side.</summary>
    public int Padding { get; }

    /// <summary>Window dilation.</summary>
    public int Dilation { get; }

    /// <summary>Round the output size up instead of down.</summary>
    public bool CeilMode { get; }

    /// <summary>(N, C, H, W) → (N, C, H_out, W_out).</summary>
    public override Tensor Forward(Tensor x) =>
        Functional.MaxPool2d(x, (KernelSize, KernelSize), (Stride, Stride), (Padding, Padding), (Dilation, Dilation), CeilMode);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={PyBool(CeilMode)}";
}
