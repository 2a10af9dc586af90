using System.CommandLine;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Spectre.Console;
using Tessera.Bench;
using Tessera.Threading;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera bench gemm</c>: single-precision matrix-multiply throughput.</summary>
internal static class BenchGemmCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var sizes = new Option<int[]>("--n")
        {
            Description = "Square size n (C = A·B with A, B n×n); repeat for several. Default: 256 512 1024 2048.",
            AllowMultipleArgumentsPerToken = true,
        };
        var shapes = new Option<string>("--shapes")
        {
            Description = "'square' (the --n sweep, like torch_gemm.py) or 'training' (64×784 · 784×128 forward and its "
                + "backward products in both weight layouts, like bench/torch_gemm_shapes.py).",
            DefaultValueFactory = _ => "square",
        };
        shapes.AcceptOnlyFromAmong("square", "training");
        CliOptions.AddCheck(sizes, n => n?.Where(v => v < 1).ToArray() is [var bad, ..] ? $"--n must be at least 1, got {bad}." : null);
        var threads = CliOptions.Threads("Threads for the kernels (Parallelism.ThreadCount). Default: processor count.");
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON line per product ({\"workload\":\"gemm\",\"n\":..,\"gflops\":..} for square sizes).",
        };
        var command = new Command("gemm", "Single-precision GEMM GFLOP/s (3 warm-ups, best of 5 timed batches).")
        {
            sizes, shapes, threads, json,
        };
        command.SetAction(result => Run(
            result.GetValue(sizes) is { Length: > 0 } n ? n : GemmBench.DefaultSizes,
            result.GetValue(shapes) ?? "square",
            result.GetValue(threads),
            result.GetValue(json)));
        return command;
    }

    private static int Run(int[] sizes, string shapes, int? threads, bool json)
    {
        if (threads is { } t) Parallelism.ThreadCount = t;

        IEnumerable<Func<GemmBenchResult>> work = shapes == "training"
            ? GemmBench.TrainingShapes.Select(s => (Func<GemmBenchResult>)(() => GemmBench.Measure(s.M, s.N, s.K, s.TransA, s.TransB, s.Label)))
            : sizes.Select(n => (Func<GemmBenchResult>)(() => GemmBench.Square(n)));

        if (json)
        {
            foreach (var measure in work) Console.WriteLine(measure().ToJson());
            return 0;
        }

        var console = CliConsole.Create();
        console.MarkupLine($"[bold]tessera bench gemm[/]  threads={Parallelism.ThreadCount}  " +
            $"AVX-512F={Avx512F.IsSupported} Vector512={Vector512.IsHardwareAccelerated} FMA={Fma.IsSupported}");
        var table = new Table().AddColumns("product", "m", "n", "k", "op", "time (µs)", "GFLOP/s");
        foreach (var measure in work)
        {
            GemmBenchResult r = measure();
            table.AddRow(
                Markup.Escape(r.Label), r.M.ToString(CultureInfo.InvariantCulture), r.N.ToString(CultureInfo.InvariantCulture),
                r.K.ToString(CultureInfo.InvariantCulture), (r.TransA ? "T" : "N") + (r.TransB ? "T" : "N"),
                (r.Seconds * 1e6).ToString("F1", CultureInfo.InvariantCulture), r.Gflops.ToString("F1", CultureInfo.InvariantCulture));
        }
        CliConsole.Create().Write(table);
        return 0;
    }
}
