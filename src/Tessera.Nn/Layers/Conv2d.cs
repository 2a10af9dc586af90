namespace Tessera.Nn.Layers;

/// <summary>2-D convolution (cross-correlation) over (N, C_in, H, W) with weight (C_out, C_in/groups, kH, kW).</summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    /// <summary>Square kernel, stride, padding and dilation.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : this(inChannels, outChannels, (kernelSize, kernelSize), (stride, stride), (padding, padding), (dilation, dilation), groups, bias, dtype, generator)
    {
    }

    /// <summary>Per-axis kernel, stride, padding and dilation.</summary>
    public Conv2d(int inChannels, int outChannels, (int H, int W) kernelSize, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation,
        int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, $"Conv2d in_channels must be positive, got {inChannels}.");
        if (outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, $"Conv2d out_channels must be positive, got {outChannels}.");
        if (kernelSize.H <= 0 || kernelSize.W <= 0) throw new ArgumentOutOfRangeException(nameof(kernelSize), $"Conv2d kernel_size must be positive, got {PyPair(kernelSize)}.");
        if (stride.H <= 0 || stride.W <= 0) throw new ArgumentOutOfRangeException(nameof(stride), $"Conv2d stride must be positive, got {PyPair(stride)}.");
        if (padding.H < 0 || padding.W < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"Conv2d padding must be non-negative, got {PyPair(padding)}.");
        if (dilation.H <= 0 || dilation.W <= 0) throw new ArgumentOutOfRangeException(nameof(dilation), $"Conv2d dilation must be positive, got {PyPair(dilation)}.");
        if (groups <= 0) throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv2d groups must be positive, got {groups}.");
        if (inChannels % groups != 0) throw new ArgumentException($"Conv2d in_channels ({inChannels}) must be divisible by groups ({groups}).");
        if (outChannels % groups != 0) throw new ArgumentException($"Conv2d out_channels ({outChannels}) must be divisible by groups ({groups}).");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([outChannels, inChannels / groups, kernelSize.H, kernelSize.W], dtype)))!;
        Bias = RegisterParameter("bias", bias ? new Parameter(Tensor.Zeros([outChannels], dtype)) : null);
        ResetParameters(generator);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel (kH, kW).</summary>
    public (int H, int W) KernelSize { get; }

    /// <summary>Stride.</summary>
    public (int H, int W) Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public (int H, int W) Padding { get; }

    /// <summary>Kernel dilation.</summary>
    public (int H, int W) Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>Weight (C_out, C_in/groups, kH, kW).</summary>
    public Parameter Weight { get; }

    /// <summary>Bias (C_out) or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>Weight and bias ~ U(−1/√fan_in, 1/√fan_in), fan_in = C_in/groups·kH·kW.</summary>
    public void ResetParameters(Generator? generator = null) => Init.DefaultLinearLike(Weight, Bias, generator);

    /// <summary>(N, C_in, H, W) → (N, C_out, H_out, W_out).</summary>
    public override Tensor Forward(Tensor x) => Functional.Conv2d(x, Weight, Bias, Stride, Padding, Dilation, Groups);

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={PyPair(KernelSize)}, stride={PyPair(Stride)}";
        if (Padding != (0, 0)) s += $", padding={PyPair(Padding)}";
        if (Dilation != (1, 1)) s += $", dilation={PyPair(Dilation)}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s;
    }
}
