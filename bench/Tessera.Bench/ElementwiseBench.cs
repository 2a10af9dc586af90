using System.Diagnostics;
using System.Text.Json;

namespace Tessera.Bench;

/// <summary>Elementwise ops and reductions on 1M-element float32 tensors; same keys as bench/torch_elementwise.py.</summary>
public static class ElementwiseBench
{
    /// <summary>Op names in benchmark order.</summary>
    public static readonly string[] Ops = ["add", "sub", "mul", "div", "add_row", "exp", "sqrt", "relu", "gelu", "sigmoid", "tanh",
        "sum", "mean", "var", "max", "argmax", "sum_rows", "sum_cols", "mean_rows", "var_rows", "max_rows", "max_cols", "logsumexp_rows",
        "softmax_rows", "log_softmax_rows"];

    /// <summary>Runs the named ops (all when empty) and reports the best time per call in microseconds.</summary>
    public static IEnumerable<(string Op, int N, double Us)> Run(IReadOnlyCollection<string> ops)
    {
        const int n = 1 << 20;
        var g = new Generator(0);
        var a = Tensor.Randn([n], g);
        var b = Tensor.Randn([n], g);
        var m = a.Reshape(1024, 1024);
        var row = Tensor.Randn([1024], g);
        var pos = b.Abs();
        var table = new Dictionary<string, Func<Tensor>>
        {
            ["add"] = () => a + b,
            ["sub"] = () => a - b,
            ["mul"] = () => a * b,
            ["div"] = () => a / pos,
            ["add_row"] = () => m + row,
            ["exp"] = () => a.Exp(),
            ["sqrt"] = () => pos.Sqrt(),
            ["relu"] = () => a.Relu(),
            ["gelu"] = () => a.Gelu(),
            ["sigmoid"] = () => a.Sigmoid(),
            ["tanh"] = () => a.Tanh(),
            ["sum"] = () => a.Sum(),
            ["mean"] = () => a.Mean(),
            ["var"] = () => a.Var(),
            ["max"] = () => a.Max(),
            ["argmax"] = () => a.Argmax(),
            ["sum_rows"] = () => m.Sum(1),
            ["sum_cols"] = () => m.Sum(0),
            ["mean_rows"] = () => m.Mean(1),
            ["var_rows"] = () => m.Var([1]),
            ["max_rows"] = () => m.Max(1).Values,     // values and indices, as torch.max(dim) returns
            ["max_cols"] = () => m.Max(0).Values,
            ["logsumexp_rows"] = () => m.LogSumExp(1),
            ["softmax_rows"] = () => m.Softmax(1),
            ["log_softmax_rows"] = () => m.LogSoftmax(1),
        };
        var selected = ops.Count == 0 ? Ops : ops;
        foreach (string op in selected)
            if (!table.ContainsKey(op))
                throw new ArgumentException($"Unknown elementwise benchmark '{op}'; known: {string.Join(", ", Ops)}.");
        // Every op runs for a while before any is timed, so tiered JIT compilation (on a background
        // thread that competes for the same cores) is over before the first measurement.
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 500)
            foreach (string op in selected) Scoped(table[op]);
        foreach (string op in selected)
        {
            var f = table[op];
            // 0.2 s warm-up, best of 30 rounds of 20 calls: bench/torch_elementwise.py uses the same.
            yield return (op, n, BestOf.Microseconds(() => Scoped(f), warmUpMs: 200, rounds: 30, reps: 20));
        }
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
