using System.Diagnostics;

namespace Tessera.Bench;

/// <summary>
/// Repeats a forward+backward+SGD step of a 784-128-10 MLP (batch 64) and samples memory, to show
/// that steady-state training does not grow the process.
/// </summary>
public static class MemoryBench
{
    /// <summary>One sample: after <paramref name="Step"/> steps.</summary>
    public readonly record struct Sample(int Step, double WorkingSetMb, double GcHeapMb, double ManagedBytesPerStep, double MsPerStep);

    /// <summary>Runs <paramref name="steps"/> steps and yields a sample every <paramref name="every"/> steps.</summary>
    /// <param name="steps">Total steps.</param>
    /// <param name="every">Sampling period.</param>
    /// <param name="scoped">Release each step's temporaries with a <see cref="TensorScope"/> (otherwise the GC reclaims them).</param>
    public static IEnumerable<Sample> Run(int steps, int every, bool scoped)
    {
        var g = new Generator(0);
        var w1 = Tensor.Randn([128, 784], g).Mul(0.05).RequiresGrad_();
        var b1 = Tensor.Zeros([128], requiresGrad: true);
        var w2 = Tensor.Randn([10, 128], g).Mul(0.05).RequiresGrad_();
        var b2 = Tensor.Zeros([10], requiresGrad: true);
        Tensor[] parameters = [w1, b1, w2, b2];
        var x = Tensor.Randn([64, 784], g);
        var y = Tensor.Randint(0, 10, [64], g);
        var process = Process.GetCurrentProcess();
        long allocStart = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (int step = 1; step <= steps; step++)
        {
            using (scoped ? TensorScope.Begin() : null)   // gradients are state: no scope frees them
            {
                foreach (var p in parameters) p.Grad?.Zero_();
                var loss = Functional.CrossEntropy(Tensor.Linear(Tensor.Linear(x, w1, b1).Relu(), w2, b2), y);
                loss.Backward();
                using (GradMode.NoGrad())
                    foreach (var p in parameters) p.Sub_(p.Grad!, 0.01);
            }
            if (step % every == 0)
            {
                long alloc = GC.GetAllocatedBytesForCurrentThread();
                double ms = sw.Elapsed.TotalMilliseconds / every;
                process.Refresh();
                yield return new Sample(step, process.WorkingSet64 / 1048576.0, GC.GetTotalMemory(false) / 1048576.0, (alloc - allocStart) / (double)every, ms);
                allocStart = GC.GetAllocatedBytesForCurrentThread();
                sw.Restart();
            }
        }
    }
}
