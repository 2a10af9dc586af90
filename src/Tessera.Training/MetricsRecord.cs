namespace Tessera.Training;

/// <summary>One epoch's row of the metrics history: the epoch (1-based), the optimizer steps done, and the epoch's values by name in logging order.</summary>
/// <param name="Epoch">Epochs completed when the row was made.</param>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="Values">Metric means of the epoch (weighted by batch size) and validation results, by name.</param>
public sealed record MetricsRecord(int Epoch, long Step, IReadOnlyDictionary<string, double> Values);
