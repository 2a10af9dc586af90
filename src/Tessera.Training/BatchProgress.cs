namespace Tessera.Training;

/// <summary>Progress after one training batch.</summary>
/// <param name="Epoch">Zero-based epoch.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="BatchesPerEpoch">Batches in an epoch.</param>
/// <param name="Step">Optimizer steps done in total.</param>
/// <param name="Loss">Mean training loss so far in this epoch.</param>
/// <param name="Accuracy">Training accuracy so far in this epoch.</param>
/// <param name="SamplesPerS">Throughput so far in this epoch.</param>
public sealed record BatchProgress(int Epoch, int Batch, int BatchesPerEpoch, long Step, double Loss, double Accuracy, double SamplesPerS);
