namespace Tessera.Metrics;

/// <summary>A metric whose result is one number (what a trainer logs and a JSON report prints).</summary>
public interface IScalarMetric : IMetric
{
    /// <summary>The metric over all updates since the last reset.</summary>
    /// <exception cref="InvalidOperationException">When nothing was accumulated yet.</exception>
    double Compute();
}
