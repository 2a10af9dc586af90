namespace Tessera.Tests.Ops;

/// <summary>The table of ops under test: each with a scalar reference and the input domain it needs.</summary>
public static class OpTable
{
    public sealed record Unary(string Name, Func<Tensor, Tensor> Fn, Func<double, double> Reference, double Lo = -3, double Hi = 3, bool Differentiable = true);

    public sealed record Binary(string Name, Func<Tensor, Tensor, Tensor> Fn, Func<double, double, double> Reference, double Lo = -3, double Hi = 3);

    public static double Erf(double x)
    {
        // Abramowitz–Stegun 7.1.26 is too coarse for a reference; use the series/continued fraction via a high-precision sum.
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            double add = term / (2 * n + 1);
            sum += add;
            term *= -x * x / (n + 1);
            if (Math.Abs(add) < 1e-18) break;
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    public static readonly Unary[] Unaries =
    [
        new("neg", x => x.Neg(), x => -x),
        new("abs", x => x.Abs(), Math.Abs),
        new("exp", x => x.Exp(), Math.Exp),
        new("log", x => x.Log(), Math.Log, 0.1, 5),
        new("sqrt", x => x.Sqrt(), Math.Sqrt, 0.1, 5),
        new("rsqrt", x => x.Rsqrt(), x => 1 / Math.Sqrt(x), 0.1, 5),
        new("relu", x => x.Relu(), x => Math.Max(x, 0)),
        new("leaky_relu", x => x.LeakyRelu(0.2), x => x > 0 ? x : 0.2 * x),
        new("gelu", x => x.Gelu(), x => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)))),
        new("gelu_tanh", x => x.Gelu(approximateTanh: true), x => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))),
        new("sigmoid", x => x.Sigmoid(), x => 1 / (1 + Math.Exp(-x))),
        new("tanh", x => x.Tanh(), Math.Tanh),
        new("silu", x => x.Silu(), x => x / (1 + Math.Exp(-x))),
        new("softplus", x => x.Softplus(), x => Math.Log(1 + Math.Exp(x))),
        new("clamp", x => x.Clamp(-1, 1.5), x => Math.Clamp(x, -1, 1.5)),
        new("pow_scalar", x => x.Pow(3.0), x => x * x * x),
        new("pow_frac", x => x.Pow(1.5), x => Math.Pow(x, 1.5), 0.1, 4),
        new("add_scalar", x => x + 2.5, x => x + 2.5),
        new("rsub_scalar", x => 2.5 - x, x => 2.5 - x),
        new("mul_scalar", x => x * -1.5, x => x * -1.5),
        new("rdiv_scalar", x => 2.0 / x, x => 2.0 / x, 0.5, 3),
    ];

    public static readonly Binary[] Binaries =
    [
        new("add", (a, b) => a + b, (a, b) => a + b),
        new("sub", (a, b) => a - b, (a, b) => a - b),
        new("mul", (a, b) => a * b, (a, b) => a * b),
        new("div", (a, b) => a / b, (a, b) => a / b, 0.5, 3),
        new("pow", (a, b) => a.Pow(b), Math.Pow, 0.5, 2),
        new("maximum", (a, b) => a.Maximum(b), Math.Max),
        new("minimum", (a, b) => a.Minimum(b), Math.Min),
    ];

    /// <summary>Lengths that exercise empty, single, vector width ± 1 (16 floats / 8 doubles per Vector512), odd sizes and the parallel grain.</summary>
    public static readonly int[] Lengths = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 40_001];

    /// <summary>Broadcasting shape pairs, including size-1 and empty dims.</summary>
    public static readonly (int[] A, int[] B)[] BroadcastPairs =
    [
        ([5], [5]), ([3, 1], [1, 4]), ([2, 3, 4], [4]), ([2, 3, 4], [3, 1]), ([17], []), ([], [6]),
        ([0, 3], [3]), ([4, 1, 5], [1, 3, 1]), ([1], [33]), ([2, 17], [2, 1]),
        // Matrix with a row or column vector on either side (the dedicated 2-D kernels), also past the parallel grain.
        ([4], [2, 3, 4]), ([2, 1], [2, 17]), ([70, 1000], [1000]), ([1000], [70, 1000]), ([70, 1000], [70, 1]), ([70, 1], [70, 1000]),
        ([3, 64], [64]), ([64], [3, 64]), ([70, 1024], [1024]), ([1024], [70, 1024]),   // widths of whole vector blocks
    ];
}
