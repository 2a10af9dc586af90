using System.Numerics;

namespace Tessera.Optim;

/// <summary>Gradient clipping with the semantics of <c>torch.nn.utils.clip_grad_norm_</c> / <c>clip_grad_value_</c>.</summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients in place so that their joint norm (the norm of the per-tensor norms) is at most
    /// <paramref name="maxNorm"/>: every gradient is multiplied by min(1, maxNorm / (total + 1e-6)).
    /// Parameters with a null Grad are ignored. Norms are accumulated in double.
    /// </summary>
    /// <param name="parameters">Tensors whose <see cref="Tensor.Grad"/> to clip.</param>
    /// <param name="maxNorm">Largest allowed total norm.</param>
    /// <param name="normType">p of the p-norm (&gt; 0), or <see cref="double.PositiveInfinity"/> for the max-abs norm.</param>
    /// <returns>The total norm before clipping (0 when no parameter has a gradient).</returns>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(normType > 0)) throw new ArgumentException($"Invalid norm type: {ParamGroup.Format(normType)} (must be > 0 or infinity)", nameof(normType));
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return 0;
        double total;
        if (double.IsPositiveInfinity(normType))
        {
            total = 0;
            foreach (var g in grads) total = Math.Max(total, TensorNorm(g, normType));
        }
        else
        {
            // The norm of the per-tensor norms, as torch.norm(torch.stack(norms), p).
            double acc = 0;
            foreach (var g in grads) acc += PowAbs(TensorNorm(g, normType), normType);
            total = Root(acc, normType);
        }
        double coef = Math.Min(maxNorm / (total + 1e-6), 1.0);
        using (GradMode.NoGrad())
            foreach (var g in grads) g.Mul_(coef);
        return total;
    }

    /// <summary>Clamps every gradient element into [−clipValue, clipValue] in place (null gradients ignored).</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var _ = GradMode.NoGrad();
        foreach (var p in parameters)
        {
            var g = p.Grad;
            if (g is null) continue;
            // Dense float gradients are clamped in place; any other layout or dtype goes through the tensor op.
            if (g.IsContiguous && g.DType is (DType.Float32 or DType.Float64)) SpanVec.Run("clip_grad_value_", g.DType, g.Numel, new ClampOp(g, clipValue));
            else g.CopyFrom_(g.Detach().Clamp(-clipValue, clipValue));
        }
    }

    private readonly struct ClampOp(Tensor g, double clipValue) : IFloatUpdate
    {
        public void Run<T>(int start, int count) where T : unmanaged, IFloatingPointIeee754<T> =>
            Clamp(g.AsSpan<T>().Slice(start, count), T.CreateTruncating(clipValue));
    }

    private static void Clamp<T>(Span<T> s, T c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < s.Length; i++)
        {
            // NaN passes through, as torch.clamp.
            T v = s[i];
            if (v < -c) s[i] = -c;
            else if (v > c) s[i] = c;
        }
    }

    private static double TensorNorm(Tensor g, double p)
    {
        var data = g.ToDoubleArray();
        if (double.IsPositiveInfinity(p))
        {
            double m = 0;
            foreach (var v in data)
            {
                double a = Math.Abs(v);
                if (a > m || double.IsNaN(a)) m = a;
            }
            return m;
        }
        double acc = 0;
        foreach (var v in data) acc += PowAbs(v, p);
        return Root(acc, p);
    }

    private static double PowAbs(double v, double p) => p switch
    {
        1 => Math.Abs(v),
        2 => v * v,
        _ => Math.Pow(Math.Abs(v), p),
    };

    private static double Root(double acc, double p) => p switch
    {
        1 => acc,
        2 => Math.Sqrt(acc),
        _ => Math.Pow(acc, 1 / p),
    };
}
