using System.Numerics;
using System.Runtime.CompilerServices;
using Tessera.Kernels.Reduce;
using Tessera.Ops;

namespace Tessera;

public partial class Tensor
{
    private Tensor FloatSelf() => DType.IsFloatingPoint() ? this : To(DType.Float32);

    /// <summary>Sum over <paramref name="dims"/> (all dims when null).</summary>
    /// <remarks>
    /// Integer and bool tensors sum to int64 (wrapping, as PyTorch). A sum over all dims walks the data in chunks, so it
    /// works on tensors of more than 2^31 elements; float16/bfloat16 chunks are summed in float32, the partial sums added
    /// in float64 and the result rounded once.
    /// </remarks>
    public Tensor Sum(int[]? dims = null, bool keepDim = false)
    {
        bool all = dims is null || dims.Length == 0;
        if (all && (!DType.IsFloatingPoint() || IsHuge || (DType.IsReducedPrecision() && Numel > ChunkElements)))
            return SumAll(keepDim);
        RejectHuge("Sum over chosen dims");
        if (!DType.IsFloatingPoint())
        {
            var plan0 = new ReducePlan(To(DType.Int64), dims, keepDim, allowInner: false);
            return plan0.Map<long>(static row => { long s = 0; foreach (long v in row) s += v; return s; });
        }
        // float16/bfloat16 accumulate in float32 and round once, as PyTorch.
        if (DType.IsReducedPrecision()) return To(DType.Float32).Sum(dims, keepDim).To(DType);
        var plan = new ReducePlan(this, dims, keepDim);
        var y = plan.NewOutput(DType);
        DTypeDispatch.Float(DType, new AxisReduceOp(plan, y, AxisReduceKind.Sum, 0), "sum");
        if (NeedsGrad(this))
        {
            int[] kept = plan.KeptShape, shape = _shape;
            y.SetGradFn("SumBackward", [this], g => [g.Reshape(kept).Expand(shape).Contiguous()]);
        }
        return y;
    }

    // Before any widening copy: converting a tensor of billions of elements to int64 or float64 only to fail later
    // would allocate tens of gigabytes.
    private void RejectHuge(string op)
    {
        if (IsHuge)
            throw new InvalidOperationException($"{op} of a tensor of {Numel} elements (shape {ShapeUtil.Format(Shape)}) is not supported (more than {int.MaxValue}); Sum() over all dims is.");
    }

    /// <summary>Sum over one dim.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>
    /// Sum of every element, chunk by chunk over the contiguous data: exact (wrapping) int64 for integers and bool;
    /// for floats, each chunk through the float kernel (float32 for 16-bit floats) and the chunk sums added in float64.
    /// </summary>
    private Tensor SumAll(bool keepDim)
    {
        var x = Contiguous();
        Tensor y;
        if (!DType.IsFloatingPoint())
        {
            var op = new IntegerSumOp(x);
            DTypeDispatch.Number(DType, op, "sum");
            y = Scalar(op.Result[0], DType.Int64);
        }
        else
        {
            double total = 0;
            for (long start = 0; start < x.Numel; start += ChunkElements)
            {
                int n = (int)Math.Min(ChunkElements, x.Numel - start);
                var chunk = x.FlatView(start, n);
                var wide = chunk.DType.IsReducedPrecision() ? chunk.To(DType.Float32) : chunk;
                using (var s = wide.Sum()) total += s.ItemAsDouble();
                if (!ReferenceEquals(wide, chunk)) wide.Dispose();
            }
            y = Scalar(total, DType);
        }
        if (!ReferenceEquals(x, this)) x.Dispose();
        int[] kept = new int[Rank];
        Array.Fill(kept, 1);
        if (keepDim) y = y.Reshape(kept);
        if (NeedsGrad(this))
        {
            int[] shape = _shape;
            y.SetGradFn("SumBackward", [this], g => [g.Reshape(kept).Expand(shape).Contiguous()]);
        }
        return y;
    }

    // Chunk sums in parallel; integer addition wraps associatively, so the result does not depend on the split.
    private readonly struct IntegerSumOp(Tensor x) : INumberOp
    {
        public readonly long[] Result = new long[1];

        public void Run<T>() where T : unmanaged, INumber<T>
        {
            int chunks = (int)((x.Numel + ChunkElements - 1) / ChunkElements);
            var partial = new long[Math.Max(chunks, 1)];
            Tensor t = x;
            t.ForEachChunk((start, n) => partial[start / ChunkElements] = SumChunk<T>(t.Storage.Slice<T>(t.Offset + start, n)));
            long s = 0;
            foreach (long p in partial) s += p;
            Result[0] = s;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
        private static long SumChunk<T>(ReadOnlySpan<T> data) where T : unmanaged, INumber<T>
        {
            long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = 0;
            for (; i + 4 <= data.Length; i += 4)
            {
                s0 += long.CreateTruncating(data[i]);
                s1 += long.CreateTruncating(data[i + 1]);
                s2 += long.CreateTruncating(data[i + 2]);
                s3 += long.CreateTruncating(data[i + 3]);
            }
            for (; i < data.Length; i++) s0 += long.CreateTruncating(data[i]);
            return unchecked(s0 + s1 + s2 + s3);
        }
    }

    /// <summary>Mean over <paramref name="dims"/> (all dims when null).</summary>
    public Tensor Mean(int[]? dims = null, bool keepDim = false)
    {
        if (!DType.IsFloatingPoint() || (dims is not null && dims.Length != 0)) RejectHuge("Mean");
        var x = FloatSelf();
        long count = ReducedCount(dims);
        return x.Sum(dims, keepDim).Div(count);
    }

    /// <summary>Mean over one dim.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    private long ReducedCount(int[]? dims)
    {
        long count = 1;
        foreach (int d in ShapeUtil.NormalizeDims(dims, Rank)) count *= _shape[d];
        return count;
    }

    /// <summary>Variance over <paramref name="dims"/> with Bessel's <paramref name="correction"/> (1 = unbiased, as PyTorch's default).</summary>
    public Tensor Var(int[]? dims = null, int correction = 1, bool keepDim = false)
    {
        RejectHuge("Var");
        if (DType.IsReducedPrecision()) return To(DType.Float32).Var(dims, correction, keepDim).To(DType);
        var x = FloatSelf();
        var plan = new ReducePlan(x, dims, keepDim);
        var y = plan.NewOutput(x.DType);
        DTypeDispatch.Float(x.DType, new AxisReduceOp(plan, y, AxisReduceKind.Var, correction), "var");
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
        RejectHuge(isMax ? "Max" : "Min");
        if (Numel == 0) throw new InvalidOperationException($"{(isMax ? "Max" : "Min")}() of an empty tensor is undefined (shape {ShapeUtil.Format(Shape)}).");
        // Max and min are exact in float32, so float16/bfloat16 round-trip without loss.
        if (DType.IsReducedPrecision()) return To(DType.Float32).ExtremeAll(isMax).To(DType);
        var x = DType.IsFloatingPoint() ? Detach().Contiguous() : To(DType.Float64).Contiguous();
        var y = Empty(x.DType);
        DTypeDispatch.Float(x.DType, new ExtremeAllOp(x, y, isMax), isMax ? "max" : "min");
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
        self.RejectHuge(isMax ? "Max" : "Min");
        if (self.Rank == 0)
        {
            ShapeUtil.NormalizeDim(dim, 0);
            return (self.Clone(), Zeros([], DType.Int64));
        }
        if (self.DType.IsReducedPrecision())
        {
            var (v, i) = Extreme(self.To(DType.Float32), dim, keepDim, isMax);
            return (v.To(self.DType), i);
        }
        var x = self.DType.IsFloatingPoint() ? self : self.To(DType.Float64);
        int d = ShapeUtil.NormalizeDim(dim, x.Rank);
        if (x._shape[d] == 0)
            throw new InvalidOperationException($"Cannot take {(isMax ? "max" : "min")} over dimension {d} of size 0.");
        var plan = new ReducePlan(x, [d], keepDim);
        Tensor idx = Empty(DType.Int64, plan.OutShape);
        var values = plan.NewOutput(x.DType);
        DTypeDispatch.Float(x.DType, new ExtremeOp(plan, values, idx, isMax), isMax ? "max" : "min");
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
        if (DType.IsReducedPrecision()) return To(DType.Float32).LogSumExp(dims, keepDim).To(DType);
        var x = FloatSelf();
        var plan = new ReducePlan(x, dims, keepDim);
        var y = plan.NewOutput(x.DType);
        DTypeDispatch.Float(x.DType, new AxisReduceOp(plan, y, AxisReduceKind.LogSumExp, 0), "logsumexp");
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

    private enum AxisReduceKind { Sum, Var, LogSumExp }

    private readonly struct AxisReduceOp(ReducePlan plan, Tensor y, AxisReduceKind kind, int correction) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (kind)
            {
                case AxisReduceKind.Sum: AxisReductions.Sum(plan.Rows.Span<T>(), plan.Outer, plan.Reduce, plan.Inner, y.Span<T>()); break;
                case AxisReduceKind.Var: AxisReductions.Var(plan.Rows.Span<T>(), plan.Outer, plan.Reduce, plan.Inner, y.Span<T>(), correction); break;
                default: AxisReductions.LogSumExp(plan.Rows.Span<T>(), plan.Outer, plan.Reduce, plan.Inner, y.Span<T>()); break;
            }
        }
    }

    private readonly struct ExtremeAllOp(Tensor x, Tensor y, bool isMax) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            y.Span<T>()[0] = isMax ? Reductions.Max<T>(x.Span<T>()) : Reductions.Min<T>(x.Span<T>());
    }

    private readonly struct ExtremeOp(ReducePlan plan, Tensor values, Tensor idx, bool isMax) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (isMax) AxisReductions.MaxWithIndex(plan.Rows.Span<T>(), plan.Outer, plan.Reduce, plan.Inner, values.Span<T>(), idx.Span<long>());
            else AxisReductions.MinWithIndex(plan.Rows.Span<T>(), plan.Outer, plan.Reduce, plan.Inner, values.Span<T>(), idx.Span<long>());
        }
    }
}
