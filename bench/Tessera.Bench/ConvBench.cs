using System.Text.Json;

namespace Tessera.Bench;

/// <summary>conv2d forward+backward at LeNet-5 sizes (batch 64); same keys as bench/torch_conv.py.</summary>
public static class ConvBench
{
    /// <summary>(name, N, Cin, H, W, Cout, K, padding) of each benchmarked layer.</summary>
    public static readonly (string Name, int N, int Cin, int H, int W, int Cout, int K, int Pad)[] Cases =
    [
        ("lenet_conv1", 64, 1, 28, 28, 6, 5, 2),
        ("lenet_conv2", 64, 6, 14, 14, 16, 5, 0),
    ];

    /// <summary>Best time in microseconds of one forward + backward (all three gradients) per case.</summary>
    public static IEnumerable<(string Name, double Us)> Run()
    {
        foreach (var c in Cases)
        {
            var g = new Generator(0);
            var x = Tensor.Randn([c.N, c.Cin, c.H, c.W], g, requiresGrad: true);
            var w = Tensor.Randn([c.Cout, c.Cin, c.K, c.K], g, requiresGrad: true);
            var b = Tensor.Randn([c.Cout], g, requiresGrad: true);
            void Step()
            {
                using var scope = TensorScope.Begin();
                x.Grad = w.Grad = b.Grad = null;
                var y = Functional.Conv2d(x, w, b, padding: (c.Pad, c.Pad));
                y.Backward(Tensor.OnesLike(y));
            }
            // 0.3 s warm-up, best of 30 rounds of 5 steps; bench/torch_conv.py does the same.
            double best = BestOf.Microseconds(Step, warmUpMs: 300, rounds: 30, reps: 5);
            yield return (c.Name, best);
        }
    }

    /// <summary>One JSON line in the format of the PyTorch reference script.</summary>
    public static string ToJson(string name, double us)
        => JsonSerializer.Serialize(new Dictionary<string, object> { ["workload"] = "conv2d", ["case"] = name, ["us"] = Math.Round(us, 1) });
}
