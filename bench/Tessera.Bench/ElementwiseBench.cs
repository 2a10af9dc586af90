using System.Diagnostics;
using System.Text.Json;

namespace Tessera.Bench;

/// <summary>Elementwise ops and reductions on 1M-element float32 tensors; same keys as bench/torch_elementwise.py.</summary>
public static class ElementwiseBench
{
    /// <summary>Op names in benchmark order.</summary>
    public static readonly string[] Ops = ["add", "mul", "exp", "relu", "gelu", "sigmoid", "tanh", "sum", "max", "sum_rows", "softmax_rows"];

    /// <summary>Runs the named ops (all when empty) and reports the best time per call in microseconds.</summary>
    public static IEnumerable<(string Op, int N, double Us)> Run(IReadOnlyCollection<string> ops)
    {
        const int n = 1 << 20;
        var g = new Generator(0);
        var a = Tensor.Randn([n], g);
        var b = Tensor.Randn([n], g);
        var m = a.Reshape(1024, 1024);
        var table = new Dictionary<string, Func<Tensor>>
        {
            ["add"] = () => a + b,
            ["mul"] = () => a * b,
            ["exp"] = () => a.Exp(),
            ["relu"] = () => a.Relu(),
            ["gelu"] = () => a.Gelu(),
            ["sigmoid"] = () => a.Sigmoid(),
            ["tanh"] = () => a.Tanh(),
            ["sum"] = () => a.Sum(),
            ["max"] = () => a.Max(),
            ["sum_rows"] = () => m.Sum(1),
            ["softmax_rows"] = () => m.Softmax(1),
        };
        foreach (string op in ops.Count == 0 ? Ops : ops)
        {
            if (!table.TryGetValue(op, out var f))
                throw new ArgumentException($"Unknown elementwise benchmark '{op}'; known: {string.Join(", ", Ops)}.");
            yield return (op, n, BestMicroseconds(f));
        }
    }

    /// <summary>Best of 7 rounds of 50 calls (after 10 warm-up calls), as the PyTorch script measures.</summary>
    internal static double BestMicroseconds(Func<Tensor> f)
    {
        for (int i = 0; i < 10; i++) Scoped(f);
        double best = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            const int reps = 50;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) Scoped(f);
            best = Math.Min(best, sw.Elapsed.TotalMicroseconds / reps);
        }
        return best;
    }

    // A TensorScope per call is how a Tessera hot loop releases temporaries deterministically; it plays
    // the role of PyTorch's caching allocator, which reuses freed blocks instead of fresh pages.
    private static void Scoped(Func<Tensor> f)
    {
        using (TensorScope.Begin()) f();
    }

    /// <summary>One JSON line in the format of the PyTorch reference script.</summary>
    public static string ToJson(string op, int n, double us)
        => JsonSerializer.Serialize(new Dictionary<string, object> { ["workload"] = "elementwise", ["op"] = op, ["n"] = n, ["us"] = Math.Round(us, 1) });
}
