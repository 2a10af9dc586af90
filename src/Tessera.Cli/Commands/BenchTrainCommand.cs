using System.CommandLine;
using Tessera.Bench;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera bench mlp|lenet</c>: the seed training workloads, keys as torch_seed_workloads.py.</summary>
internal static class BenchTrainCommand
{
    /// <summary>Creates the command for one model.</summary>
    public static Command Create(string model)
    {
        var threads = CliOptions.Threads();
        var data = new Option<string?>("--data") { Description = "Directory with the Fashion-MNIST IDX files (default: $TESSERA_DATA, ~/.tessera/datasets, /usr/share/datasets/fashion-mnist, then the shipped subset)." };
        var json = new Option<bool>("--json") { Description = "One JSON line with the keys of torch_seed_workloads.py." };
        var command = new Command(model, $"One epoch of {model} training on Fashion-MNIST (batch 64), then accuracy and inference speed.") { threads, data, json };
        command.SetAction(result =>
        {
            CliOptions.ApplyThreads(result, threads);
            var r = TrainBench.Run(model, result.GetValue(data));
            if (result.GetValue(json)) Console.WriteLine(TrainBench.ToJson(r));
            else
            {
                Console.WriteLine($"data: {r.DataSource}");
                Console.WriteLine($"{r.Workload}: {r.TrainSamplesPerS:F0} samples/s ({r.TrainS:F2} s), test accuracy {r.TestAcc:F4}, " +
                    $"batch-1 latency {r.InferB1Us:F1} µs, batch-256 {r.InferB256SamplesPerS:F0} samples/s");
                Console.WriteLine($"memory: {r.ManagedBytesPerStep:F0} managed bytes allocated per training step; working set " +
                    $"{r.WorkingSetMb.First:F1} MB after step 1, {r.WorkingSetMb.Middle:F1} MB mid-epoch, {r.WorkingSetMb.End:F1} MB at the end");
            }
            return 0;
        });
        return command;
    }
}
