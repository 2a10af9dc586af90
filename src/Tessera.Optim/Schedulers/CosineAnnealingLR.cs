namespace Tessera.Optim.Schedulers;

/// <summary>
/// Cosine annealing from the base rate to eta_min over T_max epochs, in PyTorch 1.13's recursive form
/// (so it composes with other changes to the learning rate and restarts upward after T_max):
/// lr_t = (1 + cos(π·t/T)) / (1 + cos(π·(t−1)/T)) · (lr_{t−1} − η_min) + η_min, with PyTorch's special cases
/// at t = 0 and when (t − 1 − T) is a multiple of 2T.
/// </summary>
public sealed class CosineAnnealingLR : LrScheduler
{
    private readonly int _tMax;
    private readonly double _etaMin;

    /// <summary>Anneals over <paramref name="tMax"/> epochs down to <paramref name="etaMin"/>.</summary>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), tMax, $"Invalid T_max: {tMax}");
        _tMax = tMax;
        _etaMin = etaMin;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] ComputeLrs()
    {
        var lrs = CurrentLrs();
        int t = LastEpoch;
        if (t == 0) return lrs;
        for (int i = 0; i < lrs.Length; i++)
        {
            double b = BaseLrs[i];
            if (StepCount == 1 && t > 0)
                lrs[i] = _etaMin + (b - _etaMin) * (1 + Math.Cos(t * Math.PI / _tMax)) / 2;
            else if (FloorMod(t - 1 - _tMax, 2 * _tMax) == 0)
                lrs[i] = lrs[i] + (b - _etaMin) * (1 - Math.Cos(Math.PI / _tMax)) / 2;
            else
                lrs[i] = (1 + Math.Cos(Math.PI * t / _tMax)) / (1 + Math.Cos(Math.PI * (t - 1) / _tMax)) * (lrs[i] - _etaMin) + _etaMin;
        }
        return lrs;
    }

    // Python's % (result has the divisor's sign).
    private static int FloorMod(int a, int b) => ((a % b) + b) % b;
}
