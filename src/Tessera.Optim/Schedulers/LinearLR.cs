namespace Tessera.Optim.Schedulers;

/// <summary>
/// Scales the learning rate linearly from start_factor·lr to end_factor·lr over total_iters epochs, then keeps it
/// (PyTorch's recursive form: epoch 0 multiplies by start_factor, each later epoch ≤ total_iters by
/// 1 + (end − start) / (total·start + (epoch − 1)·(end − start))).
/// </summary>
public sealed class LinearLR : LrScheduler
{
    private readonly double _start, _end;
    private readonly int _totalIters;

    /// <summary>Linear ramp between the two factors (each in [0, 1]).</summary>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        if (startFactor is > 1.0 or < 0 || double.IsNaN(startFactor))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, $"Starting multiplicative factor expected to be between 0 and 1, got {ParamGroup.Format(startFactor)}.");
        if (endFactor is > 1.0 or < 0 || double.IsNaN(endFactor))
            throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, $"Ending multiplicative factor expected to be between 0 and 1, got {ParamGroup.Format(endFactor)}.");
        if (totalIters <= 0) throw new ArgumentOutOfRangeException(nameof(totalIters), totalIters, $"Invalid total_iters: {totalIters}");
        _start = startFactor;
        _end = endFactor;
        _totalIters = totalIters;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] ComputeLrs()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0)
        {
            for (int i = 0; i < lrs.Length; i++) lrs[i] *= _start;
            return lrs;
        }
        if (LastEpoch > _totalIters) return lrs;
        double f = 1.0 + (_end - _start) / (_totalIters * _start + (LastEpoch - 1) * (_end - _start));
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= f;
        return lrs;
    }
}
