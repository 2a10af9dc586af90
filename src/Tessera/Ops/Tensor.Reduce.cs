using Tessera.Kernels.Reduce;
using Tessera.Ops;

namespace Tessera;

public partial class Tensor
{
    private Tensor FloatSelf() => DType.IsFloatingPoint() ? this : To(DType.Float32);

    /// <summary>Sum over <paramref name="dims"/> (all dims when null).</summary>
    public Tensor Sum(int[]? dims = null, bool keepDim = false)
    {
        if (!DType.IsFloatingPoint())
        {
            var plan0 = new ReducePlan(To(DType.Int64), dims, keepDim, allowInner: false);
            return plan0.Map<long>(static row => { long s = 0; foreach (long v in row) s += v; return s; });
        }
        var plan = new ReducePlan(this, dims, keepDim);
        var y = plan.NewOutput(DType);
        if (DType == DType.Float32) AxisReductions.Sum(plan.Rows.Span<float>(), plan.Outer, plan.Reduce, plan.Inner, y.Span<float>());
        else AxisReductions.Sum(plan.Rows.Span<double>(), plan.Outer, plan.Reduce, plan.Inner, y.Span<double>());
        if (NeedsGrad(this))
        {
            int[] kept = plan.KeptShape, shape = _shape;
            y.SetGradFn("SumBackward", [this], g => [g.Reshape(kept).Expand(shape).Contiguous()]);
        }
        return y;
    }

    /// <summary>Sum over one dim.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Mean over <paramref name="dims"/> (all dims when null).</summary>
    public Tensor Mean(int[]? dims = null, bool keepDim = false)
    {
        var x = FloatSelf();
        int count = ReducedCount(dims);
        return x.Sum(dims, keepDim).Div(count);
    }

    /// <summary>Mean over one dim.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    private int ReducedCount(int[]? dims)
    {
        int count = 1;
        foreach (int d in ShapeUtil.NormalizeDims(dims, Rank)) count *= _shape[d];
        return count;
    }

    /// <summary>Variance over <paramref name="dims"/> with Bessel's <paramref name="correction"/> (1 = unbiased, as PyTorch's default).</summary>
    public Tensor Var(int[]? dims = null, int correction = 1, bool keepDim = false)
    {
        var x = FloatSelf();
        var plan = new ReducePlan(x, dims, keepDim);
        var y = plan.NewOutput(x.DType);
        if (x.DType == DType.Float32) AxisReductions.Var(plan.Rows.Span<float>(), plan.Outer, plan.Reduce, plan.Inner, y.Span<float>(), correction);
        else AxisReductions.Var(plan.Rows.Span<double>(), plan.Outer, plan.Reduce, plan.Inner, y.Span<double>(), correction);
        if (NeedsGrad(x))
        {
            int n = plan.Reduce;
            int[] kept = plan.KeptShape;
            var xd = x.Detach();
            // d var / dx = 2 (x − mean) / (n − correction)
            y.SetGradFn("VarBackward", [x], g =>
            {
                var mean = xd.Mean(plan.Dims, keepDim: true);
                return [g.Reshape(kept).Mul(xd.Sub(mean)).Mul(2.0 / (n - correction))];
            });
        }
        return y;
    }

    /// <summary>Standard deviation: √Var.</summary>
    public Tensor Std(int[]? dims = null, int correction = 1, bool keepDim = false) => Var(dims, correction, keepDim).Sqrt();

    /// <summary>Maximum of all elements (0-d).</summary>
    public Tensor Max() => ExtremeAll(isMax: true);

    /// <summary>Minimum of all elements (0-d).</summary>
    public Tensor Min() => ExtremeAll(isMax: false);

    private Tensor ExtremeAll(bool isMax)
    {
        if (Numel == 0) throw new InvalidOperationException($"{(isMax ? "Max" : "Min")}() of an empty tensor is undefined (shape {ShapeUtil.Format(Shape)}).");
        var x = DType.IsFloatingPoint() ? Detach().Contiguous() : To(DType.Float64).Contiguous();
        Tensor y = x.DType == DType.Float32
            ? Scalar(isMax ? Reductions.Max(x.Span<float>()) : Reductions.Min(x.Span<float>()), DType.Float32)
            : Scalar(isMax ? Reductions.Max(x.Span<double>()) : Reductions.Min(x.Span<double>()), DType.Float64);
        if (!DType.IsFloatingPoint()) return y.To(DType);
        if (NeedsGrad(this))
        {
            var yd = y.Detach();
            // As PyTorch: the gradient is shared evenly by every element equal to the extreme.
            y.SetGradFn(isMax ? "MaxBackward1" : "MinBackward1", [this], g =>
            {
                var hits = x.Eq(yd).To(x.DType);
                return [hits.Mul(g.Div(hits.Sum()))];
            });
        }
        return y;
    }

    /// <summary>Maximum along <paramref name="dim"/>: values and their int64 indices (first occurrence on ties).</summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => Extreme(this, dim, keepDim, isMax: true);

    /// <summary>Minimum along <paramref name="dim"/>: values and their int64 indices.</summary>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => Extreme(this, dim, keepDim, isMax: false);

    /// <summary>Index of the maximum along <paramref name="dim"/>, or of the flattened tensor when null.</summary>
    public Tensor Argmax(int? dim = null, bool keepDim = false) => dim is { } d ? Max(d, keepDim).Indices : Reshape(-1).Max(0).Indices;

    /// <summary>Index of the minimum along <paramref name="dim"/>, or of the flattened tensor when null.</summary>
    public Tensor Argmin(int? dim = null, bool keepDim = false) => dim is { } d ? Min(d, keepDim).Indices : Reshape(-1).Min(0).Indices;

    private static (Tensor, Tensor) Extreme(Tensor self, int dim, bool keepDim, bool isMax)
    {
        if (self.Rank == 0)
        {
            ShapeUtil.NormalizeDim(dim, 0);
            return (self.Clone(), Zeros([], DType.Int64));
        }
        var x = self.DType.IsFloatingPoint() ? self : self.To(DType.Float64);
        int d = ShapeUtil.NormalizeDim(dim, x.Rank);
        if (x._shape[d] == 0)
            throw new InvalidOperationException($"Cannot take {(isMax ? "max" : "min")} over dimension {d} of size 0.");
        var plan = new ReducePlan(x, [d], keepDim);
        Tensor idx = Empty(DType.Int64, plan.OutShape);
        var values = plan.NewOutput(x.DType);
        if (x.DType == DType.Float32)
        {
            if (isMax) AxisReductions.MaxWithIndex(plan.Rows.Span<float>(), plan.Outer, plan.Reduce, plan.Inner, values.Span<float>(), idx.Span<long>());
            else AxisReductions.MinWithIndex(plan.Rows.Span<float>(), plan.Outer, plan.Reduce, plan.Inner, values.Span<float>(), idx.Span<long>());
        }
        else
        {
            if (isMax) AxisReductions.MaxWithIndex(plan.Rows.Span<double>(), plan.Outer, plan.Reduce, plan.Inner, values.Span<double>(), idx.Span<long>());
            else AxisReductions.MinWithIndex(plan.Rows.Span<double>(), plan.Outer, plan.Reduce, plan.Inner, values.Span<double>(), idx.Span<long>());
        }
        int[] keptShape = plan.KeptShape;
        if (self.DType != x.DType) values = values.To(self.DType);
        if (NeedsGrad(x))
        {
            int[] shape = x._shape;
            var kidx = idx.Reshape(keptShape);
            values.SetGradFn(isMax ? "MaxBackward" : "MinBackward", [x], g =>
                [Zeros(shape, g.DType).ScatterAdd(d, kidx, g.Reshape(keptShape))]);
        }
        return (values, idx);
    }

    /// <summary>log Σ exp over <paramref name="dims"/>, computed stably.</summary>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        var x = FloatSelf();
        var plan = new ReducePlan(x, dims, keepDim);
        var y = plan.NewOutput(x.DType);
        if (x.DType == DType.Float32) AxisReductions.LogSumExp(plan.Rows.Span<float>(), plan.Outer, plan.Reduce, plan.Inner, y.Span<float>());
        else AxisReductions.LogSumExp(plan.Rows.Span<double>(), plan.Outer, plan.Reduce, plan.Inner, y.Span<double>());
        if (NeedsGrad(x))
        {
            int[] kept = plan.KeptShape;
            var xd = x.Detach();
            var yd = y.Detach().Reshape(kept);
            y.SetGradFn("LogSumExpBackward", [x], g => [g.Reshape(kept).Mul(xd.Sub(yd).Exp())]);
        }
        return y;
    }

    /// <summary>log Σ exp over one dim.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp([dim], keepDim);
}
