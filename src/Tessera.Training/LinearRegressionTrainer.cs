using Tessera.Models;
using Tessera.Nn;
using Tessera.Optim;

namespace Tessera.Training;

/// <summary>
/// Fits y = 4 + 3x + N(0, 1) noise (x uniform in [0, 2), seeded) with full-batch gradient descent on the MSE,
/// and compares with the least-squares solution of the normal equations.
/// </summary>
public static class LinearRegressionTrainer
{
    /// <summary>Synthetic data: (n, 1) inputs and (n, 1) targets.</summary>
    public static (Tensor X, Tensor Y) MakeData(int n, ulong seed)
    {
        var g = new Generator(seed);
        var x = Tensor.Rand([n, 1], g).Mul(2f);
        var y = x.Mul(3f).Add(4f).Add(Tensor.Randn([n, 1], g));
        return (x, y);
    }

    /// <summary>Closed-form least squares (w, b) of y on x.</summary>
    public static (double W, double B) LeastSquares(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double mx = 0, my = 0;
        for (int i = 0; i < x.Length; i++) { mx += x[i]; my += y[i]; }
        mx /= x.Length;
        my /= x.Length;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); }
        double w = sxy / sxx;
        return (w, my - w * mx);
    }

    /// <summary>Runs <paramref name="steps"/> full-batch steps of <paramref name="optimizer"/> (sgd default) at <paramref name="lr"/>.</summary>
    public static LinearRegressionResult Run(int steps, double lr, ulong seed, string optimizer = "sgd", double momentum = 0, double weightDecay = 0,
        int n = 100, Action<int, double>? onStep = null)
    {
        var (x, y) = MakeData(n, seed);
        var model = new LinearRegression(generator: new Generator(seed + 1));
        var opt = ModelFactory.CreateOptimizer(optimizer, model.Parameters(), lr, momentum, weightDecay);
        double last = double.NaN;
        for (int s = 0; s < steps; s++)
        {
            using var scope = TensorScope.Begin();
            opt.ZeroGrad();
            var loss = Functional.MseLoss(model.Forward(x), y);
            loss.Backward();
            opt.Step();
            last = loss.Item<float>();
            onStep?.Invoke(s + 1, last);
        }
        var (cw, cb) = LeastSquares(x.ToArray<float>(), y.ToArray<float>());
        return new LinearRegressionResult(model.Linear.Weight.Detach().ToArray<float>()[0], model.Linear.Bias!.Detach().ToArray<float>()[0], cw, cb, last, steps);
    }
}
