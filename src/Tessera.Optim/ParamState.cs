namespace Tessera.Optim;

/// <summary>Per-parameter optimizer state: a step count and named buffers (momentum_buffer, exp_avg, ...).</summary>
public sealed class ParamState
{
    /// <summary>Number of updates applied to this parameter.</summary>
    public long Step { get; set; }

    /// <summary>State tensors by PyTorch name, each with the parameter's shape and dtype.</summary>
    public Dictionary<string, Tensor> Buffers { get; } = new(StringComparer.Ordinal);

    /// <summary>A deep copy (buffers cloned, detached).</summary>
    public ParamState Clone()
    {
        var c = new ParamState { Step = Step };
        using (GradMode.NoGrad())
            foreach (var (k, v) in Buffers) c.Buffers[k] = v.Detach().Clone();
        return c;
    }
}
