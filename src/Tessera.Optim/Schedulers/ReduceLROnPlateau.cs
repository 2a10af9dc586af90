namespace Tessera.Optim.Schedulers;

/// <summary>
/// Reduces every group's learning rate by <c>factor</c> (not below its min_lr, and only when the change exceeds eps)
/// once the watched metric has not improved for more than <c>patience</c> epochs, then waits <c>cooldown</c> epochs;
/// PyTorch 1.13's <c>ReduceLROnPlateau</c>.
/// </summary>
public sealed class ReduceLROnPlateau
{
    private readonly double[] _minLrs;
    private readonly double _factor, _threshold, _eps;
    private readonly int _patience, _cooldown;
    private readonly PlateauMode _mode;
    private readonly ThresholdMode _thresholdMode;
    private double[] _lastLrs = [];

    /// <summary>Watches a metric for <paramref name="optimizer"/>'s groups; <paramref name="minLr"/> applies to all groups.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double minLr = 0, double eps = 1e-8)
        : this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown,
            Enumerable.Repeat(minLr, (optimizer ?? throw new ArgumentNullException(nameof(optimizer))).ParamGroups.Count).ToArray(), eps)
    {
    }

    /// <summary>As the other constructor with one min_lr per group.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode, double factor, int patience, double threshold,
        ThresholdMode thresholdMode, int cooldown, IReadOnlyList<double> minLrs, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(minLrs);
        if (!(factor < 1.0)) throw new ArgumentOutOfRangeException(nameof(factor), factor, $"Factor should be < 1.0, got {ParamGroup.Format(factor)}.");
        if (minLrs.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"expected {optimizer.ParamGroups.Count} min_lrs, got {minLrs.Count}", nameof(minLrs));
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"mode {mode} is unknown!");
        if (!Enum.IsDefined(thresholdMode)) throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode, $"threshold mode {thresholdMode} is unknown!");
        Optimizer = optimizer;
        _mode = mode;
        _factor = factor;
        _patience = patience;
        _threshold = threshold;
        _thresholdMode = thresholdMode;
        _cooldown = cooldown;
        _minLrs = minLrs.ToArray();
        _eps = eps;
        Reset();
    }

    /// <summary>The optimizer whose learning rates are reduced.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Number of <see cref="Step"/> calls.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Best metric seen (±infinity before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement.</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Epochs left in the current cool-down.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>The groups' learning rates after the last step.</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLrs;

    private void Reset()
    {
        Best = _mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        CooldownCounter = 0;
        NumBadEpochs = 0;
    }

    /// <summary>Records this epoch's <paramref name="metric"/> and reduces the learning rates if it has plateaued.</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;

        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0; // bad epochs during cool-down do not count
        }

        if (NumBadEpochs > _patience)
        {
            ReduceLr();
            CooldownCounter = _cooldown;
            NumBadEpochs = 0;
        }
        _lastLrs = Optimizer.ParamGroups.Select(g => g.Lr).ToArray();
    }

    private void ReduceLr()
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            double old = groups[i].Lr;
            double updated = Math.Max(old * _factor, _minLrs[i]);
            if (old - updated > _eps) groups[i].Lr = updated;
        }
    }

    private bool IsBetter(double a, double best) => (_mode, _thresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => a < best * (1.0 - _threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => a < best - _threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => a > best * (_threshold + 1.0),
        _ => a > best + _threshold,
    };

    /// <summary>Counters, best metric and last rates ("best", "num_bad_epochs", "cooldown_counter" in <see cref="LrSchedulerState.Extra"/>).</summary>
    public LrSchedulerState StateDict() => new()
    {
        LastEpoch = LastEpoch, StepCount = LastEpoch, LastLrs = _lastLrs.ToArray(),
        Extra = new(StringComparer.Ordinal) { ["best"] = Best, ["num_bad_epochs"] = NumBadEpochs, ["cooldown_counter"] = CooldownCounter },
    };

    /// <summary>Restores what <see cref="StateDict"/> saved.</summary>
    public void LoadStateDict(LrSchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        LastEpoch = state.LastEpoch;
        _lastLrs = state.LastLrs.ToArray();
        Best = state.Extra["best"];
        NumBadEpochs = (int)state.Extra["num_bad_epochs"];
        CooldownCounter = (int)state.Extra["cooldown_counter"];
    }
}
