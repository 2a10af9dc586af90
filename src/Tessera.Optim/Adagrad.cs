using System.Numerics;

namespace Tessera.Optim;

/// <summary>
/// Adagrad as PyTorch 1.13's <c>torch.optim.Adagrad</c>: g = ±grad + wd·p; clr = lr / (1 + (t−1)·lr_decay);
/// sum += g²; p −= clr·g / (sqrt(sum) + eps). The accumulator starts at initial_accumulator_value.
/// Options: "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize". State: step count, "sum".
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Adagrad over one group of <paramref name="parameters"/>.</summary>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(parameters, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize))
    {
    }

    /// <summary>Adagrad over several groups; options a group leaves unset come from the arguments.</summary>
    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(groups, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize))
    {
    }

    private static Dictionary<string, double> MakeDefaults(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps, bool maximize) => new()
    {
        ["lr"] = lr, ["lr_decay"] = lrDecay, ["weight_decay"] = weightDecay,
        ["initial_accumulator_value"] = initialAccumulatorValue, ["eps"] = eps, ["maximize"] = maximize ? 1 : 0,
    };

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group)
    {
        Require(group.Lr >= 0, "learning rate", group.Lr);
        Require(group.Get("lr_decay") >= 0, "lr_decay value", group.Get("lr_decay"));
        Require(group.WeightDecay >= 0, "weight_decay value", group.WeightDecay);
        Require(group.Get("initial_accumulator_value") >= 0, "initial_accumulator_value value", group.Get("initial_accumulator_value"));
        Require(group.Get("eps") >= 0, "epsilon value", group.Get("eps"));
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state)
    {
        var sum = Buffer(state, "sum", param, group.Get("initial_accumulator_value"));
        state.Step++;
        double clr = group.Lr / (1 + (state.Step - 1) * group.Get("lr_decay"));
        double wd = group.WeightDecay, eps = group.Get("eps");
        bool maximize = group.GetBool("maximize");
        SpanVec.Run("Adagrad", param.DType, param.Numel, new UpdateOp(param, grad, sum, clr, wd, eps, maximize));
    }

    private readonly struct UpdateOp(Tensor param, Tensor grad, Tensor sum, double clr, double wd, double eps, bool maximize) : IFloatUpdate
    {
        public void Run<T>(int s, int n) where T : unmanaged, IFloatingPointIeee754<T> =>
            Kernel(param.AsSpan<T>().Slice(s, n), grad.AsReadOnlySpan<T>().Slice(s, n), sum.AsSpan<T>().Slice(s, n), clr, wd, eps, maximize);
    }

    private static void Kernel<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> sum, double clr, double weightDecay, double epsilon, bool maximize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T negClr = T.CreateTruncating(-clr), wd = T.CreateTruncating(weightDecay), eps = T.CreateTruncating(epsilon);
        bool useWd = weightDecay != 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vNegClr = new(negClr), vWd = new(wd), vEps = new(eps);
            for (; i <= p.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gi = SpanVec.Load(g, i);
                if (maximize) gi = -gi;
                var pv = SpanVec.Load(p, i);
                if (useWd) gi += vWd * pv;
                var s = SpanVec.Load(sum, i) + gi * gi;
                SpanVec.Store(s, sum, i);
                SpanVec.Store(pv + vNegClr * gi / (Vector.SquareRoot(s) + vEps), p, i);
            }
        }
        for (; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (useWd) gi += wd * p[i];
            T s = sum[i] + gi * gi;
            sum[i] = s;
            p[i] += negClr * gi / (T.Sqrt(s) + eps);
        }
    }
}
