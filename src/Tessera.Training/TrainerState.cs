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

    internal sealed class Row
    {
        public int Epoch { get; set; }

        public long Step { get; set; }

        public Dictionary<string, double> Values { get; set; } = [];
    }
}
