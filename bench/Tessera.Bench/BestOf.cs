using System.Diagnostics;

namespace Tessera.Bench;

/// <summary>The timing loop shared by the benchmarks that have a PyTorch twin (which times the same way).</summary>
internal static class BestOf
{
    /// <summary>
    /// Runs <paramref name="step"/> at least 10 times and for at least <paramref name="warmUpMs"/> ms,
    /// then returns the best mean, in microseconds, of <paramref name="rounds"/> rounds of
    /// <paramref name="reps"/> calls.
    /// </summary>
    /// <remarks>
    /// Why many short rounds: on a shared VM a round is either clean or hit by a neighbour, and the
    /// best of many short rounds finds the clean ones for both sides; the warm-up lets tiered JIT
    /// compilation (which competes for the same cores) finish first.
    /// </remarks>
    public static double Microseconds(Action step, int warmUpMs, int rounds, int reps)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 10 || warm.ElapsedMilliseconds < warmUpMs; i++) step();
        double best = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) step();
            best = Math.Min(best, sw.Elapsed.TotalMicroseconds / reps);
        }
        return best;
    }
}
