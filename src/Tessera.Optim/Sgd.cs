using System.Numerics;

namespace Tessera.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, weight decay and
/// maximisation, as PyTorch 1.13's <c>torch.optim.SGD</c>:
/// d = ±g + wd·p; buf = d on the first step, else momentum·buf + (1 − dampening)·d;
/// d = nesterov ? d + momentum·buf : buf; p −= lr·d. State: "momentum_buffer" (when momentum ≠ 0).
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>SGD over one group of <paramref name="parameters"/>.</summary>
    public Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize))
    {
    }

    /// <summary>SGD over several groups; options a group leaves unset come from the arguments.</summary>
    public Sgd(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(groups, MakeDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize))
    {
    }

    private static Dictionary<string, double> MakeDefaults(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize) => new()
    {
        ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weightDecay,
        ["nesterov"] = nesterov ? 1 : 0, ["maximize"] = maximize ? 1 : 0,
    };

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group)
    {
        Require(group.Lr >= 0, "learning rate", group.Lr);
        Require(group.Get("momentum") >= 0, "momentum value", group.Get("momentum"));
        Require(group.WeightDecay >= 0, "weight_decay value", group.WeightDecay);
        if (group.GetBool("nesterov") && (group.Get("momentum") <= 0 || group.Get("dampening") != 0))
            throw new ArgumentException($"Nesterov momentum requires a momentum and zero dampening (momentum: {ParamGroup.Format(group.Get("momentum"))}, dampening: {ParamGroup.Format(group.Get("dampening"))})");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state)
    {
        double momentum = group.Get("momentum");
        bool first = false;
        Tensor? buf = null;
        if (momentum != 0)
        {
            first = !state.Buffers.ContainsKey("momentum_buffer");
            buf = Buffer(state, "momentum_buffer", param);
        }
        state.Step++;
        var h = new Hyper(group.Lr, group.WeightDecay, momentum, group.Get("dampening"), group.GetBool("nesterov"), group.GetBool("maximize"), first);
        SpanVec.Run("SGD", param.DType, param.Numel, new UpdateOp(param, grad, buf, h));
    }

    private readonly struct UpdateOp(Tensor param, Tensor grad, Tensor? buf, Hyper h) : IFloatUpdate
    {
        public void Run<T>(int s, int n) where T : unmanaged, IFloatingPointIeee754<T> =>
            Kernel(param.AsSpan<T>().Slice(s, n), grad.AsReadOnlySpan<T>().Slice(s, n), buf is null ? default : buf.AsSpan<T>().Slice(s, n), h);
    }

    private readonly record struct Hyper(double Lr, double WeightDecay, double Momentum, double Dampening, bool Nesterov, bool Maximize, bool First);

    private static void Kernel<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> buf, Hyper h) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T negLr = T.CreateTruncating(-h.Lr), wd = T.CreateTruncating(h.WeightDecay);
        T mom = T.CreateTruncating(h.Momentum), keep = T.CreateTruncating(1 - h.Dampening);
        bool useWd = h.WeightDecay != 0, useMom = h.Momentum != 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vNegLr = new(negLr), vWd = new(wd), vMom = new(mom), vKeep = new(keep);
            for (; i <= p.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var d = SpanVec.Load(g, i);
                if (h.Maximize) d = -d;
                var pv = SpanVec.Load(p, i);
                if (useWd) d += vWd * pv;
                if (useMom)
                {
                    var b = h.First ? d : SpanVec.Load(buf, i) * vMom + vKeep * d;
                    SpanVec.Store(b, buf, i);
                    d = h.Nesterov ? d + vMom * b : b;
                }
                SpanVec.Store(pv + vNegLr * d, p, i);
            }
        }
        for (; i < p.Length; i++)
        {
            T d = h.Maximize ? -g[i] : g[i];
            if (useWd) d += wd * p[i];
            if (useMom)
            {
                T b = h.First ? d : buf[i] * mom + keep * d;
                buf[i] = b;
                d = h.Nesterov ? d + mom * b : b;
            }
            p[i] += negLr * d;
        }
    }
}
