namespace Tessera.Kernels.Conv;

/// <summary>
/// Shape and hyper-parameters of a 2-D convolution over NCHW tensors:
/// input (N, Cin, H, W), weight (Cout, Cin/Groups, KH, KW), bias (Cout), output (N, Cout, OutH, OutW).
/// The constructor validates everything and throws <see cref="ArgumentException"/> naming the bad value.
/// </summary>
internal readonly record struct Conv2dGeometry
{
    /// <summary>Batch size.</summary>
    public int N { get; }
    /// <summary>Input channels.</summary>
    public int Cin { get; }
    /// <summary>Input height.</summary>
    public int H { get; }
    /// <summary>Input width.</summary>
    public int W { get; }
    /// <summary>Output channels.</summary>
    public int Cout { get; }
    /// <summary>Kernel height.</summary>
    public int KH { get; }
    /// <summary>Kernel width.</summary>
    public int KW { get; }
    /// <summary>Vertical stride.</summary>
    public int StrideH { get; }
    /// <summary>Horizontal stride.</summary>
    public int StrideW { get; }
    /// <summary>Zero padding added above and below.</summary>
    public int PadH { get; }
    /// <summary>Zero padding added left and right.</summary>
    public int PadW { get; }
    /// <summary>Vertical dilation (spacing between kernel taps).</summary>
    public int DilationH { get; }
    /// <summary>Horizontal dilation (spacing between kernel taps).</summary>
    public int DilationW { get; }
    /// <summary>Number of groups; input and output channels are split into this many independent convolutions.</summary>
    public int Groups { get; }
    /// <summary>Output height: (H + 2·PadH − DilationH·(KH−1) − 1) / StrideH + 1.</summary>
    public int OutH { get; }
    /// <summary>Output width: (W + 2·PadW − DilationW·(KW−1) − 1) / StrideW + 1.</summary>
    public int OutW { get; }

    /// <summary>Creates and validates a geometry.</summary>
    /// <exception cref="ArgumentException">When a size is not positive, padding is negative, channels are not divisible by groups,
    /// or the dilated kernel does not fit in the padded input.</exception>
    public Conv2dGeometry(int n, int cin, int h, int w, int cout, int kh, int kw,
        int strideH = 1, int strideW = 1, int padH = 0, int padW = 0, int dilationH = 1, int dilationW = 1, int groups = 1)
    {
        Positive(n, "batch size");
        Positive(cin, "input channels");
        Positive(h, "input height");
        Positive(w, "input width");
        Positive(cout, "output channels");
        Positive(kh, "kernel height");
        Positive(kw, "kernel width");
        Positive(strideH, "stride height");
        Positive(strideW, "stride width");
        Positive(dilationH, "dilation height");
        Positive(dilationW, "dilation width");
        Positive(groups, "groups");
        if (padH < 0 || padW < 0)
            throw new ArgumentException($"Conv2d: padding {padH}x{padW} must not be negative");
        if (cin % groups != 0)
            throw new ArgumentException($"Conv2d: input channels {cin} not divisible by groups {groups}");
        if (cout % groups != 0)
            throw new ArgumentException($"Conv2d: output channels {cout} not divisible by groups {groups}");
        long effH = (long)dilationH * (kh - 1) + 1, effW = (long)dilationW * (kw - 1) + 1;
        long paddedH = h + 2L * padH, paddedW = w + 2L * padW;
        if (effH > paddedH || effW > paddedW)
        {
            string dil = dilationH == dilationW ? $"{dilationH}" : $"{dilationH}x{dilationW}";
            throw new ArgumentException(
                $"Conv2d: kernel {kh}x{kw} with dilation {dil} larger than padded input {paddedH}x{paddedW}");
        }
        long outH = (paddedH - effH) / strideH + 1, outW = (paddedW - effW) / strideW + 1;
        long colRows = (long)(cin / groups) * kh * kw;
        if ((long)n * cin * h * w > int.MaxValue || (long)n * cout * outH * outW > int.MaxValue
            || colRows * outH * outW > int.MaxValue || colRows * cout > int.MaxValue)
            throw new ArgumentException($"Conv2d: tensors of shape ({n}, {cin}, {h}, {w}) -> ({n}, {cout}, {outH}, {outW}) exceed 2^31 elements");

        N = n; Cin = cin; H = h; W = w; Cout = cout; KH = kh; KW = kw;
        StrideH = strideH; StrideW = strideW; PadH = padH; PadW = padW;
        DilationH = dilationH; DilationW = dilationW; Groups = groups;
        OutH = (int)outH; OutW = (int)outW;
    }

    /// <summary>Input channels per group.</summary>
    public int CinPerGroup => Cin / Groups;
    /// <summary>Output channels per group.</summary>
    public int CoutPerGroup => Cout / Groups;
    /// <summary>Elements of the input tensor, N·Cin·H·W.</summary>
    public int InputLength => N * Cin * H * W;
    /// <summary>Elements of the weight tensor, Cout·(Cin/Groups)·KH·KW.</summary>
    public int WeightLength => Cout * CinPerGroup * KH * KW;
    /// <summary>Elements of the output tensor, N·Cout·OutH·OutW.</summary>
    public int OutputLength => N * Cout * OutH * OutW;

    /// <summary>True for 1x1 kernels with unit stride and no padding, where the input already is the column matrix.</summary>
    public bool IsPointwise => KH == 1 && KW == 1 && StrideH == 1 && StrideW == 1 && PadH == 0 && PadW == 0;

    /// <summary>Rows of the per-group column matrix, (Cin/Groups)·KH·KW.</summary>
    internal int ColRows => CinPerGroup * KH * KW;
    /// <summary>Columns of the column matrix, OutH·OutW.</summary>
    internal int ColCols => OutH * OutW;

    internal void EnsureInitialized()
    {
        if (Groups == 0) throw new ArgumentException("Conv2d: geometry is default-initialised; use the constructor");
    }

    private static void Positive(int value, string what)
    {
        if (value <= 0) throw new ArgumentException($"Conv2d: {what} {value} must be positive");
    }
}
