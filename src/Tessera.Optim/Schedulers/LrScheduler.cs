namespace Tessera.Optim.Schedulers;

/// <summary>
/// Base class of epoch-indexed learning-rate schedulers, as PyTorch 1.13's <c>_LRScheduler</c>: construction
/// records each group's "initial_lr" and performs the first step (epoch 0); each <see cref="Step"/> advances
/// <see cref="LastEpoch"/> and writes the new learning rates into the optimizer's groups. Derived classes call
/// <see cref="InitialStep"/> at the end of their constructor, once their own fields are set.
/// </summary>
public abstract class LrScheduler
{
    private double[] _lastLrs = [];

    /// <summary>Attaches to <paramref name="optimizer"/>; <paramref name="lastEpoch"/> = −1 starts fresh, otherwise every group needs an "initial_lr".</summary>
    protected LrScheduler(Optimizer optimizer, int lastEpoch = -1)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        var groups = optimizer.ParamGroups;
        if (lastEpoch == -1)
        {
            foreach (var g in groups) g.InitialLr ??= g.Lr;
        }
        else
        {
            for (int i = 0; i < groups.Count; i++)
                if (groups[i].InitialLr is null)
                    throw new ArgumentException($"param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer");
        }
        BaseLrs = groups.Select(g => g.InitialLr!.Value).ToArray();
        LastEpoch = lastEpoch;
    }

    /// <summary>The optimizer whose learning rates are scheduled.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Each group's initial learning rate.</summary>
    public IReadOnlyList<double> BaseLrs { get; private set; }

    /// <summary>Index of the current epoch (0 right after construction).</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Number of <see cref="Step"/> calls, including the constructor's.</summary>
    public int StepCount { get; private set; }

    /// <summary>The learning rates set by the last step, one per group.</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLrs;

    /// <summary>The first step (epoch 0); call at the end of derived constructors.</summary>
    protected void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>Advances one epoch and sets the groups' learning rates.</summary>
    public void Step()
    {
        StepCount++;
        LastEpoch++;
        var lrs = ComputeLrs();
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++) groups[i].Lr = lrs[i];
        _lastLrs = lrs;
    }

    /// <summary>The learning rates for <see cref="LastEpoch"/> (already advanced), from the groups' current rates or <see cref="BaseLrs"/>.</summary>
    protected abstract double[] ComputeLrs();

    /// <summary>The groups' current learning rates.</summary>
    protected double[] CurrentLrs() => Optimizer.ParamGroups.Select(g => g.Lr).ToArray();

    /// <summary>A copy of the scheduler's counters and rates.</summary>
    public virtual LrSchedulerState StateDict() => new()
    {
        LastEpoch = LastEpoch, StepCount = StepCount, BaseLrs = BaseLrs.ToArray(), LastLrs = _lastLrs.ToArray(),
    };

    /// <summary>Restores counters and rates saved by <see cref="StateDict"/> (the optimizer's group rates are restored by its own state dict).</summary>
    public virtual void LoadStateDict(LrSchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        LastEpoch = state.LastEpoch;
        StepCount = state.StepCount;
        BaseLrs = state.BaseLrs.ToArray();
        _lastLrs = state.LastLrs.ToArray();
    }
}
