namespace Tessera.Training;

/// <summary>The <see cref="Trainer"/>'s own part of a checkpoint (JSON in the "trainer" metadata entry).</summary>
internal sealed class TrainerState
{
    public int Epoch { get; set; }

    public long Step { get; set; }

    /// <summary>Batches of the current epoch done (a checkpoint taken mid-epoch).</summary>
    public int BatchInEpoch { get; set; }

    /// <summary>Training examples seen in the current epoch.</summary>
    public long EpochSamples { get; set; }

    /// <summary>Training seconds spent in the current epoch.</summary>
    public double EpochSeconds { get; set; }

    /// <summary>Optimizer step of the last validation run (-1: none).</summary>
    public long LastValStep { get; set; } = -1;

    public List<Row> History { get; set; } = [];

    /// <summary>The current epoch's running sums: name → [sum, weight, last], in logging order.</summary>
    public Dictionary<string, double[]> Running { get; set; } = [];

    /// <summary>Validation means already made in the current epoch.</summary>
    public Dictionary<string, double>? EpochValidation { get; set; }

    public Dictionary<string, double> CallbackMetrics { get; set; } = [];

    /// <summary>This state, after checking that no part is missing or out of range.</summary>
    /// <exception cref="FormatException">When one is.</exception>
    public TrainerState Validated()
    {
        if (History is null || Running is null || CallbackMetrics is null) throw new FormatException("History, Running and CallbackMetrics are required");
        if (Epoch < 0 || Step < 0 || BatchInEpoch < 0 || EpochSamples < 0) throw new FormatException("negative epoch, step or position");
        foreach (var r in History)
            if (r?.Values is null) throw new FormatException("a history row has no values");
        foreach (var (k, v) in Running)
            if (v is not { Length: 3 }) throw new FormatException($"running metric '{k}' needs [sum, weight, last]");
        return this;
    }

    internal sealed class Row
    {
        public int Epoch { get; set; }

        public long Step { get; set; }

        public Dictionary<string, double> Values { get; set; } = [];
    }
}
