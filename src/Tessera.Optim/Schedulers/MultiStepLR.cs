namespace Tessera.Optim.Schedulers;

/// <summary>Multiplies the learning rate by gamma^count at each milestone epoch (a repeated milestone counts twice), PyTorch's recursive form.</summary>
public sealed class MultiStepLR : LrScheduler
{
    private readonly Dictionary<int, int> _milestones = [];
    private readonly double _gamma;

    /// <summary>Decays by <paramref name="gamma"/> at each of <paramref name="milestones"/>.</summary>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        foreach (var m in milestones) _milestones[m] = _milestones.GetValueOrDefault(m) + 1;
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] ComputeLrs()
    {
        var lrs = CurrentLrs();
        if (!_milestones.TryGetValue(LastEpoch, out int count)) return lrs;
        double f = Math.Pow(_gamma, count);
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= f;
        return lrs;
    }
}
