using System.CommandLine;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera bench &lt;workload&gt;</c>: performance measurements. Each workload is its own
/// <c>Bench*Command</c> file with a <c>Create()</c> method, registered with one line below.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Creates the <c>bench</c> command and its workload subcommands.</summary>
    public static Command Create()
    {
        var bench = new Command("bench", "Measure kernel and model throughput (JSON lines comparable with the PyTorch scripts in bench/).");
        bench.Subcommands.Add(BenchGemmCommand.Create());
        bench.Subcommands.Add(BenchElementwiseCommand.Create());
        bench.Subcommands.Add(BenchMemoryCommand.Create());
        bench.Subcommands.Add(BenchLoadCommand.Create());
        bench.Subcommands.Add(BenchConvCommand.Create());
        bench.Subcommands.Add(BenchTrainCommand.Create("mlp"));
        bench.Subcommands.Add(BenchTrainCommand.Create("lenet"));
        return bench;
    }
}
