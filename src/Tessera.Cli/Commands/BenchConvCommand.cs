using System.CommandLine;
using System.Globalization;
using Tessera.Bench;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera bench conv</c>: conv2d forward+backward at LeNet-5 sizes.</summary>
internal static class BenchConvCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var threads = CliOptions.Threads();
        var json = new Option<bool>("--json") { Description = "One JSON line per layer, keys as bench/torch_conv.py." };
        var command = new Command("conv", "conv2d forward + backward time at LeNet-5 sizes, batch 64 (best of 30 rounds of 5 after a 0.3 s warm-up).") { threads, json };
        command.SetAction(result =>
        {
            CliOptions.ApplyThreads(result, threads);
            foreach (var (name, us) in ConvBench.Run())
                Console.WriteLine(result.GetValue(json) ? ConvBench.ToJson(name, us) : $"{name,-12} {us.ToString("F1", CultureInfo.InvariantCulture),10} µs");
            return 0;
        });
        return command;
    }
}
