namespace Tessera.Optim.Schedulers;

/// <summary>Multiplies the learning rate by gamma every epoch (PyTorch's recursive form).</summary>
public sealed class ExponentialLR : LrScheduler
{
    private readonly double _gamma;

    /// <summary>Decays by <paramref name="gamma"/> each epoch.</summary>
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] ComputeLrs()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0) return lrs;
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= _gamma;
        return lrs;
    }
}
