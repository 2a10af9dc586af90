namespace Tessera.Kernels.Pool;

/// <summary>Argument checks and work-splitting shared by the pooling kernels.</summary>
internal static class PoolChecks
{
    public static void Length(string op, int actual, int expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{op}: {name} has {actual} elements, expected {expected}", name);
    }

    /// <summary>Planes per chunk so that a chunk does roughly 16k element operations or more.</summary>
    public static long PlaneGrain(long workPerPlane) => Math.Max(1, 16384 / Math.Max(1, workPerPlane));
}
