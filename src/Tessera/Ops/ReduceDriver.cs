using System.Numerics;
using Tessera.Kernels.Threading;

namespace Tessera.Ops;

/// <summary>
/// Brings any reduction into (outer, reduce) rows: reduced dims are permuted to the end (a copy only
/// when they are not already last), so every reduction is a row kernel.
/// </summary>
internal readonly struct ReducePlan
{
    public readonly Tensor Rows;       // contiguous, read as (Outer, Reduce, Inner)
    public readonly int Outer;
    public readonly int Reduce;
    public readonly int Inner;
    public readonly int[] KeptShape;   // reduced dims as 1
    public readonly int[] OutShape;    // reduced dims removed or kept, as requested
    public readonly int[] Dims;

    /// <param name="x">Tensor to reduce.</param>
    /// <param name="dims">Dims to reduce (all when null or empty).</param>
    /// <param name="keepDim">Keep reduced dims as size 1.</param>
    /// <param name="allowInner">Allow an (outer, reduce, inner) layout without copying when the reduced dims are one block of a contiguous tensor; otherwise reduced dims are permuted last (Inner = 1).</param>
    public ReducePlan(Tensor x, int[]? dims, bool keepDim, bool allowInner = true)
    {
        if (x.IsHuge)
            throw new InvalidOperationException($"Reductions over chosen dims of a tensor of {x.Numel} elements (shape {ShapeUtil.Format(x.Shape)}) are not supported (more than {int.MaxValue}); Sum() over all dims is.");
        Dims = ShapeUtil.NormalizeDims(dims, x.Rank);
        var isReduced = new bool[x.Rank];
        foreach (int d in Dims) isReduced[d] = true;
        var kept = new int[x.Rank];
        var outShape = new List<int>();
        for (int i = 0; i < x.Rank; i++)
        {
            kept[i] = isReduced[i] ? 1 : x.Shape[i];
            if (!isReduced[i]) outShape.Add(x.Shape[i]);
            else if (keepDim) outShape.Add(1);
        }
        KeptShape = kept;
        OutShape = outShape.ToArray();
        bool block = Dims.Length == 0 || Dims[^1] - Dims[0] == Dims.Length - 1;
        if (allowInner && block && x.IsContiguous && Dims.Length > 0)
        {
            int outer = 1, reduce = 1, inner = 1;
            for (int i = 0; i < x.Rank; i++)
            {
                if (i < Dims[0]) outer *= x.Shape[i];
                else if (i <= Dims[^1]) reduce *= x.Shape[i];
                else inner *= x.Shape[i];
            }
            Rows = x.Detach();
            (Outer, Reduce, Inner) = (outer, reduce, inner);
            return;
        }
        var perm = new List<int>();
        int o = 1, r = 1;
        for (int i = 0; i < x.Rank; i++)
            if (!isReduced[i]) { perm.Add(i); o *= x.Shape[i]; }
        foreach (int d in Dims) { perm.Add(d); r *= x.Shape[d]; }
        Tensor p = x.Detach();
        bool identity = true;
        for (int i = 0; i < perm.Count; i++) identity &= perm[i] == i;
        if (!identity) p = p.Permute(perm.ToArray());
        Rows = p.Contiguous();
        (Outer, Reduce, Inner) = (o, r, 1);
    }

    /// <summary>An output tensor of the plan's shape and the given dtype.</summary>
    public Tensor NewOutput(DType dtype) => Tensor.Empty(dtype, OutShape);

    /// <summary>Applies <paramref name="rowKernel"/> to every row in parallel: out[o] = f(row o). Needs Inner == 1.</summary>
    public Tensor Map<T>(Func<ReadOnlySpan<T>, T> rowKernel) where T : unmanaged
    {
        if (Inner != 1) throw new InvalidOperationException("Internal: Map needs a plan built with allowInner: false.");
        var y = Tensor.Empty(Rows.DType, OutShape);
        var src = Rows;
        int r = Reduce;
        var dst = y;
        ParallelRuntime.For(0, Outer, Math.Max(1, TensorElementwise.Grain / Math.Max(r, 1)), (o0, o1) =>
        {
            var s = src.Span<T>();
            var d = dst.Span<T>();
            for (int o = (int)o0; o < o1; o++) d[o] = rowKernel(s.Slice(o * r, r));
        });
        return y;
    }
}
