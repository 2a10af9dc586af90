namespace Tessera.Nn;

/// <summary>
/// In-place weight initialisers (PyTorch's <c>torch.nn.init</c>), same distributions as PyTorch. All run under no-grad and
/// draw from <see cref="Generator.Default"/> unless a generator is given. The static class lives in <c>Tessera.Nn</c>
/// (not <c>Tessera.Nn.Init</c>) so that the type name does not clash with a namespace.
/// </summary>
public static class Init
{
    /// <summary>Recommended gain for a nonlinearity; <paramref name="param"/> is the leaky-ReLU slope (default 0.01).</summary>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Conv2d or Nonlinearity.Sigmoid => 1.0,
        Nonlinearity.Tanh => 5.0 / 3.0,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + (param ?? 0.01) * (param ?? 0.01))),
        Nonlinearity.Selu => 0.75,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "Unknown nonlinearity."),
    };

    /// <summary>(fan_in, fan_out) of a weight: dim 1 and dim 0 times the receptive field (product of dims 2..).</summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2) throw new ArgumentException($"Fan in and fan out need a tensor of at least 2 dimensions, got shape {Module.FormatShape(tensor.Shape)}.", nameof(tensor));
        int receptive = 1;
        for (int i = 2; i < tensor.Rank; i++) receptive *= tensor.Shape[i];
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    /// <summary>Fills with U(<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(Tensor tensor, double low = 0, double high = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(high >= low)) throw new ArgumentException($"Uniform needs low <= high, got low={low}, high={high}.");
        using (GradMode.NoGrad())
            tensor.CopyFrom_(Tensor.Rand(tensor.ShapeArray(), generator ?? Generator.Default, FloatType(tensor)).Mul(high - low).Add(low));
        return tensor;
    }

    /// <summary>Fills with N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor Normal(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(std >= 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "Normal std must be non-negative.");
        using (GradMode.NoGrad())
            tensor.CopyFrom_(Tensor.Randn(tensor.ShapeArray(), generator ?? Generator.Default, FloatType(tensor)).Mul(std).Add(mean));
        return tensor;
    }

    /// <summary>Fills with a constant.</summary>
    public static Tensor Constant(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (GradMode.NoGrad()) tensor.Fill_(value);
        return tensor;
    }

    /// <summary>Fills with zeros.</summary>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills with ones.</summary>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1);

    /// <summary>Glorot uniform: U(−b, b) with b = gain·√(6/(fan_in+fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>Glorot normal: N(0, σ²) with σ = gain·√(2/(fan_in+fan_out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
    }

    /// <summary>
    /// He uniform: U(−b, b) with b = √3·gain/√fan, gain from <paramref name="nonlinearity"/> and slope <paramref name="a"/>.
    /// With a = √5 and leaky ReLU (PyTorch's Linear/Conv default) this is U(−1/√fan_in, 1/√fan_in).
    /// </summary>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        double std = KaimingStd(tensor, a, mode, nonlinearity);
        double bound = Math.Sqrt(3.0) * std;
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>He normal: N(0, σ²) with σ = gain/√fan.</summary>
    public static Tensor KaimingNormal(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
        => Normal(tensor, 0, KaimingStd(tensor, a, mode, nonlinearity), generator);

    private static double KaimingStd(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        if (fan == 0) throw new ArgumentException($"Cannot initialise a tensor with zero elements (shape {Module.FormatShape(tensor.Shape)}).", nameof(tensor));
        return CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
    }

    /// <summary>
    /// PyTorch's default for Linear/Conv: weight kaiming_uniform(a=√5) = U(−1/√fan_in, 1/√fan_in), bias U(−1/√fan_in, 1/√fan_in).
    /// </summary>
    public static void DefaultLinearLike(Tensor weight, Tensor? bias, Generator? generator = null)
    {
        KaimingUniform(weight, Math.Sqrt(5.0), FanMode.FanIn, Nonlinearity.LeakyRelu, generator);
        if (bias is null) return;
        var (fanIn, _) = CalculateFanInAndFanOut(weight);
        double bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0;
        Uniform(bias, -bound, bound, generator);
    }

    private static DType FloatType(Tensor t) => t.DType == DType.Float64 ? DType.Float64 : DType.Float32;
}
