using System.Numerics;

namespace Tessera.Optim;

/// <summary>
/// RMSprop as PyTorch 1.13's <c>torch.optim.RMSprop</c>: g = ±grad + wd·p; sq = α·sq + (1−α)·g²;
/// centered: ga = α·ga + (1−α)·g, avg = sqrt(sq − ga²) + eps, else avg = sqrt(sq) + eps;
/// momentum &gt; 0: buf = momentum·buf + g/avg, p −= lr·buf; else p −= lr·g/avg.
/// Options: "lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize".
/// State: "square_avg", "grad_avg" (centered), "momentum_buffer" (momentum &gt; 0).
/// </summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>RMSprop over one group of <paramref name="parameters"/>.</summary>
    public RmsProp(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered, maximize))
    {
    }

    /// <summary>RMSprop over several groups; options a group leaves unset come from the arguments.</summary>
    public RmsProp(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(groups, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered, maximize))
    {
    }

    private static Dictionary<string, double> MakeDefaults(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize) => new()
    {
        ["lr"] = lr, ["alpha"] = alpha, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum"] = momentum,
        ["centered"] = centered ? 1 : 0, ["maximize"] = maximize ? 1 : 0,
    };

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group)
    {
        Require(group.Lr >= 0, "learning rate", group.Lr);
        Require(group.Get("eps") >= 0, "epsilon value", group.Get("eps"));
        Require(group.Get("momentum") >= 0, "momentum value", group.Get("momentum"));
        Require(group.WeightDecay >= 0, "weight_decay value", group.WeightDecay);
        Require(group.Get("alpha") >= 0, "alpha value", group.Get("alpha"));
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state)
    {
        bool centered = group.GetBool("centered");
        double momentum = group.Get("momentum");
        var sq = Buffer(state, "square_avg", param);
        var ga = centered ? Buffer(state, "grad_avg", param) : null;
        var buf = momentum > 0 ? Buffer(state, "momentum_buffer", param) : null;
        state.Step++;
        var h = new Hyper(group.Lr, group.Get("alpha"), group.Get("eps"), group.WeightDecay, momentum, group.GetBool("maximize"));
        SpanVec.Run("RMSprop", param.DType, param.Numel, new UpdateOp(param, grad, sq, ga, buf, centered, h));
    }

    private readonly struct UpdateOp(Tensor param, Tensor grad, Tensor sq, Tensor? ga, Tensor? buf, bool centered, Hyper h) : IFloatUpdate
    {
        public void Run<T>(int s, int n) where T : unmanaged, IFloatingPointIeee754<T> =>
            Kernel(param.AsSpan<T>().Slice(s, n), grad.AsReadOnlySpan<T>().Slice(s, n), sq.AsSpan<T>().Slice(s, n),
                ga is null ? default : ga.AsSpan<T>().Slice(s, n), buf is null ? default : buf.AsSpan<T>().Slice(s, n), centered, h);
    }

    private readonly record struct Hyper(double Lr, double Alpha, double Eps, double WeightDecay, double Momentum, bool Maximize);

    private static void Kernel<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> sq, Span<T> ga, Span<T> buf, bool centered, Hyper h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T alpha = T.CreateTruncating(h.Alpha), keep = T.CreateTruncating(1 - h.Alpha);
        T wd = T.CreateTruncating(h.WeightDecay), eps = T.CreateTruncating(h.Eps);
        T mom = T.CreateTruncating(h.Momentum), negLr = T.CreateTruncating(-h.Lr);
        bool useWd = h.WeightDecay != 0, useMom = h.Momentum > 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vAlpha = new(alpha), vKeep = new(keep), vWd = new(wd), vEps = new(eps), vMom = new(mom), vNegLr = new(negLr);
            for (; i <= p.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gi = SpanVec.Load(g, i);
                if (h.Maximize) gi = -gi;
                var pv = SpanVec.Load(p, i);
                if (useWd) gi += vWd * pv;
                var s = SpanVec.Load(sq, i) * vAlpha + vKeep * gi * gi;
                SpanVec.Store(s, sq, i);
                Vector<T> avg;
                if (centered)
                {
                    var a = SpanVec.Load(ga, i) * vAlpha + vKeep * gi;
                    SpanVec.Store(a, ga, i);
                    avg = Vector.SquareRoot(s - a * a);
                }
                else avg = Vector.SquareRoot(s);
                avg += vEps;
                if (useMom)
                {
                    var b = SpanVec.Load(buf, i) * vMom + gi / avg;
                    SpanVec.Store(b, buf, i);
                    SpanVec.Store(pv + vNegLr * b, p, i);
                }
                else SpanVec.Store(pv + vNegLr * gi / avg, p, i);
            }
        }
        for (; i < p.Length; i++)
        {
            T gi = h.Maximize ? -g[i] : g[i];
            if (useWd) gi += wd * p[i];
            T s = sq[i] * alpha + keep * gi * gi;
            sq[i] = s;
            T avg;
            if (centered)
            {
                T a = ga[i] * alpha + keep * gi;
                ga[i] = a;
                avg = T.Sqrt(s - a * a);
            }
            else avg = T.Sqrt(s);
            avg += eps;
            if (useMom)
            {
                T b = buf[i] * mom + gi / avg;
                buf[i] = b;
                p[i] += negLr * b;
            }
            else p[i] += negLr * gi / avg;
        }
    }
}
