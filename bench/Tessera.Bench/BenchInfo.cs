namespace Tessera.Bench;

/// <summary>Placeholder so the project compiles; benchmarks land here.</summary>
public static class BenchInfo
{
    /// <summary>Benchmark suite name.</summary>
    public const string Name = "tessera-bench";
}
