using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tessera.Bench;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera bench memory</c>: memory across repeated MLP training steps.</summary>
internal static class BenchMemoryCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "Training steps to run.", DefaultValueFactory = _ => 2000 };
        var every = new Option<int>("--every") { Description = "Print a sample every N steps.", DefaultValueFactory = _ => 250 };
        var scoped = new Option<bool>("--scoped") { Description = "Release each step's temporaries with a TensorScope instead of the GC." };
        foreach (var o in new[] { steps, every })
            CliOptions.AddCheck(o, v => v < 1 ? $"{o.Name} must be at least 1, got {v}." : null);
        var threads = CliOptions.Threads();
        var command = new Command("memory", "Working set, GC heap and managed bytes allocated per step across repeated forward+backward steps.")
        {
            steps, every, scoped, threads,
        };
        command.SetAction(result =>
        {
            int n = result.GetValue(steps), e = result.GetValue(every);
            CliOptions.ApplyThreads(result, threads);
            foreach (var s in MemoryBench.Run(n, e, result.GetValue(scoped)))
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["workload"] = "memory", ["step"] = s.Step,
                    ["working_set_mb"] = Math.Round(s.WorkingSetMb, 1), ["gc_heap_mb"] = Math.Round(s.GcHeapMb, 1),
                    ["managed_bytes_per_step"] = Math.Round(s.ManagedBytesPerStep), ["ms_per_step"] = Math.Round(s.MsPerStep, 3),
                }));
            return 0;
        });
        return command;
    }
}
