namespace Tessera.Training;

/// <summary>When a learning-rate scheduler steps.</summary>
public enum SchedulerInterval
{
    /// <summary>At the end of every training epoch (after validation).</summary>
    Epoch,

    /// <summary>After every optimizer step.</summary>
    Step,
}
