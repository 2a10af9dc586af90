namespace Tessera.Kernels.Pool;

/// <summary>
/// Shape and hyper-parameters of a 2-D max or average pooling over NCHW tensors:
/// input (N, C, H, W), output (N, C, OutH, OutW). Output sizes follow PyTorch, including ceil mode
/// (where the last window must start inside the input or its left/top padding).
/// The constructor validates everything and throws <see cref="ArgumentException"/> naming the bad value.
/// </summary>
internal readonly record struct Pool2dGeometry
{
    /// <summary>Batch size.</summary>
    public int N { get; }
    /// <summary>Channels.</summary>
    public int C { get; }
    /// <summary>Input height.</summary>
    public int H { get; }
    /// <summary>Input width.</summary>
    public int W { get; }
    /// <summary>Window height.</summary>
    public int KH { get; }
    /// <summary>Window width.</summary>
    public int KW { get; }
    /// <summary>Vertical stride.</summary>
    public int StrideH { get; }
    /// <summary>Horizontal stride.</summary>
    public int StrideW { get; }
    /// <summary>Implicit padding above and below (−∞ for max pooling, zeros for average pooling).</summary>
    public int PadH { get; }
    /// <summary>Implicit padding left and right.</summary>
    public int PadW { get; }
    /// <summary>Vertical dilation of the window (max pooling only; average pooling requires 1).</summary>
    public int DilationH { get; }
    /// <summary>Horizontal dilation of the window (max pooling only; average pooling requires 1).</summary>
    public int DilationW { get; }
    /// <summary>Whether output sizes round up instead of down.</summary>
    public bool CeilMode { get; }
    /// <summary>Output height.</summary>
    public int OutH { get; }
    /// <summary>Output width.</summary>
    public int OutW { get; }

    /// <summary>Creates and validates a geometry. A stride of 0 means "equal to the kernel size" (PyTorch's default).</summary>
    /// <exception cref="ArgumentException">When a size is not positive, padding is negative or more than half the kernel,
    /// or the output would be empty.</exception>
    public Pool2dGeometry(int n, int c, int h, int w, int kh, int kw, int strideH = 0, int strideW = 0,
        int padH = 0, int padW = 0, int dilationH = 1, int dilationW = 1, bool ceilMode = false)
    {
        Positive(n, "batch size");
        Positive(c, "channels");
        Positive(h, "input height");
        Positive(w, "input width");
        Positive(kh, "kernel height");
        Positive(kw, "kernel width");
        if (strideH == 0) strideH = kh;
        if (strideW == 0) strideW = kw;
        Positive(strideH, "stride height");
        Positive(strideW, "stride width");
        Positive(dilationH, "dilation height");
        Positive(dilationW, "dilation width");
        if (padH < 0 || padW < 0)
            throw new ArgumentException($"Pool2d: padding {padH}x{padW} must not be negative");
        if (padH > kh / 2 || padW > kw / 2)
            throw new ArgumentException($"Pool2d: padding {padH}x{padW} must be at most half of kernel {kh}x{kw}");
        long outH = OutputSize(h, kh, strideH, padH, dilationH, ceilMode);
        long outW = OutputSize(w, kw, strideW, padW, dilationW, ceilMode);
        if (outH < 1 || outW < 1)
            throw new ArgumentException(
                $"Pool2d: output size {outH}x{outW} too small for input {h}x{w}, kernel {kh}x{kw}, stride {strideH}x{strideW}, padding {padH}x{padW}, dilation {dilationH}x{dilationW}");
        if ((long)n * c * h * w > int.MaxValue || (long)n * c * outH * outW > int.MaxValue)
            throw new ArgumentException($"Pool2d: tensors of shape ({n}, {c}, {h}, {w}) -> ({n}, {c}, {outH}, {outW}) exceed 2^31 elements");

        N = n; C = c; H = h; W = w; KH = kh; KW = kw; StrideH = strideH; StrideW = strideW;
        PadH = padH; PadW = padW; DilationH = dilationH; DilationW = dilationW; CeilMode = ceilMode;
        OutH = (int)outH; OutW = (int)outW;
    }

    /// <summary>Elements of the input, N·C·H·W.</summary>
    public int InputLength => N * C * H * W;
    /// <summary>Elements of the output (and of the max-pooling indices), N·C·OutH·OutW.</summary>
    public int OutputLength => N * C * OutH * OutW;

    internal void EnsureInitialized(string op)
    {
        if (KH == 0) throw new ArgumentException($"{op}: geometry is default-initialised; use the constructor");
    }

    private static long OutputSize(long size, long k, long stride, long pad, long dilation, bool ceil)
    {
        long span = size + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
        long o = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1; // floor division
        // The last window has to start inside the input or the leading padding.
        if (ceil && (o - 1) * stride >= size + pad) o--;
        return o;
    }

    private static void Positive(int value, string what)
    {
        if (value <= 0) throw new ArgumentException($"Pool2d: {what} {value} must be positive");
    }
}
