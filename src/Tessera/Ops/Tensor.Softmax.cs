namespace Tessera;

public sealed partial class Tensor
{
    /// <summary>Softmax along <paramref name="dim"/>: exp(x − max) / Σ exp(x − max).</summary>
    public Tensor Softmax(int dim)
    {
        var x = FloatSelf();
        int d = ShapeUtil.NormalizeDim(dim, x.Rank);
        var xd = x.Detach();
        var e = xd.Sub(xd.Max(d, keepDim: true).Values).Exp();
        var y = e.Div(e.Sum(d, keepDim: true));
        if (NeedsGrad(x))
        {
            var yd = y.Detach();
            // dx = y · (g − Σ g·y)
            y.SetGradFn("SoftmaxBackward", [x], g => [yd.Mul(g.Sub(g.Mul(yd).Sum(d, keepDim: true)))]);
        }
        return y;
    }

    /// <summary>log(softmax(x)) along <paramref name="dim"/>, computed stably.</summary>
    public Tensor LogSoftmax(int dim)
    {
        var x = FloatSelf();
        int d = ShapeUtil.NormalizeDim(dim, x.Rank);
        var xd = x.Detach();
        var y = xd.Sub(xd.LogSumExp(d, keepDim: true));
        if (NeedsGrad(x))
        {
            var yd = y.Detach();
            // dx = g − exp(y) · Σ g
            y.SetGradFn("LogSoftmaxBackward", [x], g => [g.Sub(yd.Exp().Mul(g.Sum(d, keepDim: true)))]);
        }
        return y;
    }
}
