using System.Numerics;

namespace Tessera.Optim;

/// <summary>The shared Adam / AdamW update (PyTorch 1.13's single-tensor form).</summary>
internal static class AdamCore
{
    /// <summary>
    /// One step: g = ±grad (+ wd·p unless <paramref name="decoupled"/>), p ·= 1 − lr·wd when decoupled;
    /// m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; vmax = max(vmax, v) when amsgrad;
    /// p += −(lr / (1−β1^t)) · m / (sqrt(v̂) / sqrt(1−β2^t) + eps).
    /// </summary>
    public static void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state, bool decoupled)
    {
        bool amsgrad = group.GetBool("amsgrad");
        var m = Optimizer.Buffer(state, "exp_avg", param);
        var v = Optimizer.Buffer(state, "exp_avg_sq", param);
        var vmax = amsgrad ? Optimizer.Buffer(state, "max_exp_avg_sq", param) : null;
        state.Step++;
        double lr = group.Lr, beta1 = group.Get("beta1"), beta2 = group.Get("beta2");
        double step = state.Step;
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        var h = new Hyper(lr, group.WeightDecay, beta1, beta2, group.Get("eps"), lr / bc1, Math.Sqrt(bc2), group.GetBool("maximize"), decoupled);
        SpanVec.Run(decoupled ? "AdamW" : "Adam", param.DType, param.Numel, new UpdateOp(param, grad, m, v, vmax, amsgrad, h));
    }

    private readonly struct UpdateOp(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor? vmax, bool amsgrad, Hyper h) : IFloatUpdate
    {
        public void Run<T>(int s, int n) where T : unmanaged, IFloatingPointIeee754<T> =>
            Kernel(param.AsSpan<T>().Slice(s, n), grad.AsReadOnlySpan<T>().Slice(s, n), m.AsSpan<T>().Slice(s, n), v.AsSpan<T>().Slice(s, n),
                vmax is null ? default : vmax.AsSpan<T>().Slice(s, n), amsgrad, h);
    }

    private readonly record struct Hyper(double Lr, double WeightDecay, double Beta1, double Beta2, double Eps, double StepSize, double Bc2Sqrt, bool Maximize, bool Decoupled);

    private static void Kernel<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, Span<T> vmax, bool amsgrad, Hyper h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = T.CreateTruncating(h.Beta1), b2 = T.CreateTruncating(h.Beta2);
        T c1 = T.CreateTruncating(1 - h.Beta1), c2 = T.CreateTruncating(1 - h.Beta2);
        T wd = T.CreateTruncating(h.WeightDecay), decay = T.CreateTruncating(1 - h.Lr * h.WeightDecay);
        T eps = T.CreateTruncating(h.Eps), negStep = T.CreateTruncating(-h.StepSize), bc2Sqrt = T.CreateTruncating(h.Bc2Sqrt);
        bool l2 = !h.Decoupled && h.WeightDecay != 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vb1 = new(b1), vb2 = new(b2), vc1 = new(c1), vc2 = new(c2), vWd = new(wd), vDecay = new(decay);
            Vector<T> vEps = new(eps), vNegStep = new(negStep), vBc2Sqrt = new(bc2Sqrt);
            for (; i <= p.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gi = SpanVec.Load(g, i);
                if (h.Maximize) gi = -gi;
                var pi = SpanVec.Load(p, i);
                if (l2) gi += vWd * pi;
                if (h.Decoupled) pi *= vDecay;
                var mi = SpanVec.Load(m, i) * vb1 + vc1 * gi;
                var vi = SpanVec.Load(v, i) * vb2 + vc2 * gi * gi;
                SpanVec.Store(mi, m, i);
                SpanVec.Store(vi, v, i);
                if (amsgrad)
                {
                    vi = Vector.Max(SpanVec.Load(vmax, i), vi);
                    SpanVec.Store(vi, vmax, i);
                }
                var denom = Vector.SquareRoot(vi) / vBc2Sqrt + vEps;
                SpanVec.Store(pi + vNegStep * mi / denom, p, i);
            }
        }
        for (; i < p.Length; i++)
        {
            T gi = h.Maximize ? -g[i] : g[i];
            T pi = p[i];
            if (l2) gi += wd * pi;
            if (h.Decoupled) pi *= decay;
            T mi = m[i] * b1 + c1 * gi;
            T vi = v[i] * b2 + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            if (amsgrad)
            {
                vi = T.Max(vmax[i], vi);
                vmax[i] = vi;
            }
            T denom = T.Sqrt(vi) / bc2Sqrt + eps;
            p[i] = pi + negStep * mi / denom;
        }
    }
}
