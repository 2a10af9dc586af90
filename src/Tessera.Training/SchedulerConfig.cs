using Tessera.Optim.Schedulers;

namespace Tessera.Training;

/// <summary>
/// A learning-rate scheduler and when it steps (Lightning's <c>lr_scheduler</c> dictionary): an
/// <see cref="LrScheduler"/>, or a <see cref="ReduceLROnPlateau"/> fed the logged metric <see cref="Monitor"/>.
/// </summary>
public sealed class SchedulerConfig
{
    /// <summary>An epoch- or step-indexed scheduler that steps every <paramref name="frequency"/> intervals.</summary>
    public SchedulerConfig(LrScheduler scheduler, SchedulerInterval interval = SchedulerInterval.Epoch, int frequency = 1)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        Scheduler = scheduler;
        Interval = Check(interval, frequency);
        Frequency = frequency;
    }

    /// <summary>A plateau scheduler that steps on the value of the logged metric <paramref name="monitor"/>.</summary>
    public SchedulerConfig(ReduceLROnPlateau scheduler, string monitor, SchedulerInterval interval = SchedulerInterval.Epoch, int frequency = 1)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        Plateau = scheduler;
        Monitor = monitor;
        Interval = Check(interval, frequency);
        Frequency = frequency;
    }

    /// <summary>The scheduler, or null for a plateau scheduler.</summary>
    public LrScheduler? Scheduler { get; }

    /// <summary>The plateau scheduler, or null.</summary>
    public ReduceLROnPlateau? Plateau { get; }

    /// <summary>Metric a plateau scheduler watches (e.g. "val_loss").</summary>
    public string? Monitor { get; }

    /// <summary>Whether the scheduler steps per epoch or per optimizer step.</summary>
    public SchedulerInterval Interval { get; }

    /// <summary>Steps once every this many intervals.</summary>
    public int Frequency { get; }

    /// <summary>An epoch-interval config for <paramref name="scheduler"/>.</summary>
    public static implicit operator SchedulerConfig(LrScheduler scheduler) => new(scheduler);

    internal LrSchedulerState StateDict() => Scheduler is not null ? Scheduler.StateDict() : Plateau!.StateDict();

    internal void LoadStateDict(LrSchedulerState state)
    {
        if (Scheduler is not null) Scheduler.LoadStateDict(state);
        else Plateau!.LoadStateDict(state);
    }

    internal string Kind => Scheduler is not null ? Scheduler.GetType().Name : nameof(ReduceLROnPlateau);

    private static SchedulerInterval Check(SchedulerInterval interval, int frequency)
    {
        if (!Enum.IsDefined(interval)) throw new ArgumentOutOfRangeException(nameof(interval), interval, $"Unknown scheduler interval {interval}.");
        if (frequency < 1) throw new ArgumentOutOfRangeException(nameof(frequency), frequency, $"Scheduler frequency must be at least 1, got {frequency}.");
        return interval;
    }
}
