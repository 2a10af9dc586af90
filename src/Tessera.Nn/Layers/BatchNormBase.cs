namespace Tessera.Nn.Layers;

/// <summary>
/// Shared batch normalisation over dim 1 (C): batch statistics in training (updating running_mean/running_var/num_batches_tracked),
/// running statistics in evaluation.
/// </summary>
public abstract class BatchNormBase : Module<Tensor, Tensor>
{
    /// <summary>Creates weight = 1, bias = 0 (when affine) and running_mean = 0, running_var = 1, num_batches_tracked = 0 (when tracking).</summary>
    protected BatchNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, $"{GetType().Name} num_features must be positive, got {numFeatures}.");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{GetType().Name} eps must be positive, got {eps}.");
        if (momentum is { } m && !(m >= 0 && m <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{GetType().Name} momentum must be in [0, 1], got {m}.");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        Weight = RegisterParameter("weight", affine ? new Parameter(Tensor.Ones([numFeatures], dtype)) : null);
        Bias = RegisterParameter("bias", affine ? new Parameter(Tensor.Zeros([numFeatures], dtype)) : null);
        RunningMean = RegisterBuffer("running_mean", trackRunningStats ? Tensor.Zeros([numFeatures], dtype) : null);
        RunningVar = RegisterBuffer("running_var", trackRunningStats ? Tensor.Ones([numFeatures], dtype) : null);
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", trackRunningStats ? Tensor.Scalar(0, DType.Int64) : null);
    }

    /// <summary>Channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Running-average factor; null means a cumulative average over all batches seen.</summary>
    public double? Momentum { get; }

    /// <summary>Whether weight and bias exist.</summary>
    public bool Affine { get; }

    /// <summary>Whether running statistics are kept (otherwise batch statistics are used in evaluation too).</summary>
    public bool TrackRunningStats { get; }

    /// <summary>Scale (C) or null.</summary>
    public Parameter? Weight { get; }

    /// <summary>Shift (C) or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>Running mean (C) or null.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running unbiased variance (C) or null.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Int64 scalar count of training batches seen, or null.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Resets the running statistics to mean 0, variance 1, count 0.</summary>
    public void ResetRunningStats()
    {
        using (GradMode.NoGrad())
        {
            RunningMean?.Zero_();
            RunningVar?.Fill_(1);
            NumBatchesTracked?.Zero_();
        }
    }

    /// <summary>Resets running statistics and sets weight = 1, bias = 0.</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        if (Weight is not null) Init.Ones(Weight);
        if (Bias is not null) Init.Zeros(Bias);
    }

    /// <summary>Throws when the input rank does not suit this layer.</summary>
    protected abstract void CheckInput(Tensor x);

    /// <summary>Normalises (N, C, ...) per channel.</summary>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckInput(x);
        if (x.Shape[1] != NumFeatures) throw new ArgumentException($"{GetType().Name}({NumFeatures}) got input with {x.Shape[1]} channels (shape {FormatShape(x.Shape)}).");
        double momentum = Momentum ?? 0;
        if (Training && TrackRunningStats && NumBatchesTracked is not null)
        {
            using (GradMode.NoGrad()) NumBatchesTracked.Add_(Tensor.Scalar(1, DType.Int64));
            if (Momentum is null) momentum = 1.0 / NumBatchesTracked.ItemAsDouble();
        }
        bool useBatchStats = Training || RunningMean is null;
        return Functional.BatchNorm(x, !Training || TrackRunningStats ? RunningMean : null, !Training || TrackRunningStats ? RunningVar : null,
            Weight, Bias, useBatchStats, momentum, Eps);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{NumFeatures}, eps={PyFloat(Eps)}, momentum={(Momentum is { } m ? PyFloat(m) : "None")}, affine={PyBool(Affine)}, track_running_stats={PyBool(TrackRunningStats)}";
}
