using System.Diagnostics;
using System.Text.Json;
using Tessera.Data;
using Tessera.Models;
using Tessera.Nn;
using Tessera.Optim;

namespace Tessera.Bench;

/// <summary>
/// The seed workloads of bench/torch_seed_workloads.py: one epoch of Fashion-MNIST training
/// (batch 64), then test accuracy, batch-1 latency and batch-256 throughput, with the same JSON keys.
/// </summary>
public static class TrainBench
{
    /// <summary>Result of one workload.</summary>
    public sealed record Result(string Workload, double TrainSamplesPerS, double TrainS, double TestAcc, double InferB1Us, double InferB256SamplesPerS, string DataSource)
    {
        /// <summary>Managed bytes allocated per training step on the training thread (after the first step).</summary>
        public double ManagedBytesPerStep { get; init; }

        /// <summary>Process working set (MB) after the first step, at mid-epoch and at the end of the epoch.</summary>
        public (double First, double Middle, double End) WorkingSetMb { get; init; }
    }

    /// <summary>Runs "mlp" (SGD lr 0.01) or "lenet" (SGD lr 0.01 momentum 0.9) for one epoch.</summary>
    public static Result Run(string model, string? dataDirectory, ulong seed = 0)
    {
        var gen = new Generator(seed);
        Module<Tensor, Tensor> net;
        Optimizer opt;
        string workload;
        switch (model)
        {
            case "mlp":
                net = new Mlp(generator: gen);
                opt = new Sgd(net.Parameters(), lr: 0.01);
                workload = "mlp_sgd";
                break;
            case "lenet":
                net = new LeNet5(generator: gen);
                opt = new Sgd(net.Parameters(), lr: 0.01, momentum: 0.9);
                workload = "lenet_sgd_m";
                break;
            default:
                throw new ArgumentException($"Unknown model '{model}'; expected mlp or lenet.");
        }
        var train = new FashionMnist(train: true, directory: dataDirectory);
        var test = new FashionMnist(train: false, directory: dataDirectory);
        var loader = new DataLoader(train, batchSize: 64, shuffle: true, seed: seed);
        var sw = Stopwatch.StartNew();
        long samples = 0;
        bool first = true;
        int steps = 0;
        long allocAfterFirst = 0;
        double wsFirst = 0, wsMiddle = 0;
        var process = Process.GetCurrentProcess();
        double WorkingSetMb() { process.Refresh(); if (Environment.GetEnvironmentVariable("TESSERA_BENCH_GCINFO") == "1") Console.Error.WriteLine($"gc heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:F1} MB, total committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:F1} MB, gen2 count {GC.CollectionCount(2)}"); return process.WorkingSet64 / 1048576.0; }
        foreach (var batch in loader)
        {
            using (TensorScope.Begin())   // frees the step's temporaries; parameters, gradients and optimizer state are state
            {
                opt.ZeroGrad();
                var loss = Functional.CrossEntropy(net.Forward(batch.Input), batch.Target);
                loss.Backward();
                opt.Step();
            }
            batch.Dispose();
            if (first)
            {
                allocAfterFirst = GC.GetAllocatedBytesForCurrentThread();
                wsFirst = WorkingSetMb();
            }
            first = false;
            samples += batch.Size;
            if (++steps == loader.BatchesPerEpoch / 2) wsMiddle = WorkingSetMb();
        }
        double trainS = sw.Elapsed.TotalSeconds;
        double bytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - allocAfterFirst) / (double)Math.Max(1, steps - 1);
        double wsEnd = WorkingSetMb();
        net.Eval();
        double correct = 0;
        using (GradMode.NoGrad())
        {
            var xs = test.Inputs;
            var ys = test.Targets;
            for (int i = 0; i < xs.Size(0); i += 1000)
            {
                using var scope = TensorScope.Begin();
                int n = Math.Min(1000, xs.Size(0) - i);
                var pred = net.Forward(xs.Narrow(0, i, n)).Argmax(1);
                correct += pred.Eq(ys.Narrow(0, i, n)).To(DType.Int64).Sum().Item<long>();
            }
        }
        double acc = correct / test.Count;
        double latUs, thr;
        using (GradMode.NoGrad())
        {
            var x1 = test.Inputs.Narrow(0, 0, 1).Contiguous();
            for (int i = 0; i < 20; i++) using (TensorScope.Begin()) net.Forward(x1);
            var t = Stopwatch.StartNew();
            const int reps = 500;
            for (int i = 0; i < reps; i++) using (TensorScope.Begin()) net.Forward(x1);
            latUs = t.Elapsed.TotalMicroseconds / reps;
            var xb = test.Inputs.Narrow(0, 0, 256).Contiguous();
            using (TensorScope.Begin()) net.Forward(xb);
            t.Restart();
            const int r2 = 20;
            for (int i = 0; i < r2; i++) using (TensorScope.Begin()) net.Forward(xb);
            thr = 256.0 * r2 / t.Elapsed.TotalSeconds;
        }
        return new Result(workload, samples / trainS, trainS, acc, latUs, thr, train.Description)
        {
            ManagedBytesPerStep = bytesPerStep,
            WorkingSetMb = (wsFirst, wsMiddle, wsEnd),
        };
    }

    /// <summary>The JSON line with torch_seed_workloads.py's keys.</summary>
    public static string ToJson(Result r) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["workload"] = r.Workload,
        ["train_samples_per_s"] = Math.Round(r.TrainSamplesPerS),
        ["train_s"] = Math.Round(r.TrainS, 2),
        ["test_acc"] = r.TestAcc,
        ["infer_b1_us"] = Math.Round(r.InferB1Us, 1),
        ["infer_b256_samples_per_s"] = Math.Round(r.InferB256SamplesPerS),
    });
}
