using System.Diagnostics;
using Tessera.IO;

namespace Tessera.Bench;

/// <summary>
/// Loads a safetensors checkpoint (memory-mapped or copied) and reports the load time and the process's resident
/// memory before loading, after loading, and after reading every element once (a sum per tensor).
/// </summary>
/// <remarks>Run one mode per process: both modes in one process would share pages and pooled buffers.</remarks>
public static class LoadBench
{
    /// <summary>The measurement. Memory figures are in MB; on Linux, resident memory is split into anonymous and file-backed.</summary>
    public readonly record struct Result(
        bool Mapped, int Tensors, long Elements, long TensorBytes, double LoadMs, double TouchMs,
        Rss Before, Rss AfterLoad, Rss AfterTouch, double Checksum);

    /// <summary>Resident memory: total, anonymous (heap, copies) and file-backed (mapped pages), in MB; the split is 0 off Linux.</summary>
    public readonly record struct Rss(double TotalMb, double AnonMb, double FileMb);

    /// <summary>Loads <paramref name="path"/> once and measures it.</summary>
    public static Result Run(string path, bool mapped)
    {
        // Load the code paths on a tiny file first, so the timed load is not JIT time.
        string warm = Path.Combine(Path.GetTempPath(), $"tessera-load-warmup-{Environment.ProcessId}.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["w"] = Tensor.Ones([4, 4]) }, warm);
        foreach (var t in SafeTensors.Load(warm, mapped).Values) { t.Sum().ItemAsDouble(); t.Dispose(); }
        File.Delete(warm);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var before = ReadRss();
        var sw = Stopwatch.StartNew();
        var tensors = SafeTensors.Load(path, mapped);
        double loadMs = sw.Elapsed.TotalMilliseconds;
        var afterLoad = ReadRss();

        sw.Restart();
        double checksum = 0;
        long elements = 0, bytes = 0;
        foreach (var t in tensors.Values)
        {
            checksum += t.To(t.DType.ComputeType()).Sum().ItemAsDouble();
            elements += t.Numel;
            bytes += t.Numel * t.DType.ElementSize();
        }
        double touchMs = sw.Elapsed.TotalMilliseconds;
        var afterTouch = ReadRss();
        GC.KeepAlive(tensors);
        return new Result(mapped, tensors.Count, elements, bytes, loadMs, touchMs, before, afterLoad, afterTouch, checksum);
    }

    private static Rss ReadRss()
    {
        using var p = Process.GetCurrentProcess();
        double total = p.WorkingSet64 / 1048576.0, anon = 0, file = 0;
        if (OperatingSystem.IsLinux())
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kb(line) / 1024.0;
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kb(line) / 1024.0;
            }
        }
        return new Rss(total, anon, file);
    }

    private static long Kb(string line) =>
        long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
}
