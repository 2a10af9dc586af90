namespace Tessera.Optim.Schedulers;

/// <summary>Multiplies the learning rate by gamma every <c>stepSize</c> epochs (PyTorch's recursive form).</summary>
public sealed class StepLR : LrScheduler
{
    private readonly int _stepSize;
    private readonly double _gamma;

    /// <summary>Decays by <paramref name="gamma"/> at epochs stepSize, 2·stepSize, ...</summary>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, $"Invalid step_size: {stepSize}");
        _stepSize = stepSize;
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] ComputeLrs()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0 || LastEpoch % _stepSize != 0) return lrs;
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= _gamma;
        return lrs;
    }
}
