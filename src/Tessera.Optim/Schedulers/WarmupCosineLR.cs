namespace Tessera.Optim.Schedulers;

/// <summary>
/// Linear warm-up followed by cosine decay, in closed form from each group's base rate b (epoch e = LastEpoch):
/// <list type="bullet">
/// <item>e &lt; warmup_steps: lr = b·(e + 1) / warmup_steps (so the first step already trains, reaching b at e = warmup_steps − 1);</item>
/// <item>otherwise: p = min(1, (e − warmup_steps) / max(1, total_steps − warmup_steps)),
/// lr = min_lr + (b − min_lr)·0.5·(1 + cos(π·p)); lr stays at min_lr after total_steps.</item>
/// </list>
/// </summary>
public sealed class WarmupCosineLR : LrScheduler
{
    private readonly int _warmup, _total;
    private readonly double _minLr;

    /// <summary>Warm up over <paramref name="warmupSteps"/> epochs, then decay to <paramref name="minLr"/> at <paramref name="totalSteps"/>.</summary>
    public WarmupCosineLR(Optimizer optimizer, int warmupSteps, int totalSteps, double minLr = 0, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"Invalid warmup_steps: {warmupSteps}");
        if (totalSteps < warmupSteps) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"Invalid total_steps: {totalSteps} (less than warmup_steps {warmupSteps})");
        if (!(minLr >= 0)) throw new ArgumentOutOfRangeException(nameof(minLr), minLr, $"Invalid min_lr: {ParamGroup.Format(minLr)}");
        _warmup = warmupSteps;
        _total = totalSteps;
        _minLr = minLr;
        InitialStep();
    }

    /// <summary>The rate at epoch <paramref name="epoch"/> for base rate <paramref name="baseLr"/>.</summary>
    public double LrAt(double baseLr, int epoch)
    {
        if (epoch < _warmup) return baseLr * (epoch + 1) / _warmup;
        int span = Math.Max(1, _total - _warmup);
        double progress = Math.Min(1.0, (double)(epoch - _warmup) / span);
        return _minLr + (baseLr - _minLr) * 0.5 * (1.0 + Math.Cos(Math.PI * progress));
    }

    /// <inheritdoc/>
    protected override double[] ComputeLrs() => BaseLrs.Select(b => LrAt(b, LastEpoch)).ToArray();
}
