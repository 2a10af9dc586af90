using System.Numerics;
using Tessera.Kernels.Threading;

namespace Tessera.Ops;

/// <summary>
/// Brings any reduction into (outer, reduce) rows: reduced dims are permuted to the end (a copy only
/// when they are not already last), so every reduction is a row kernel.
/// </summary>
internal readonly struct ReducePlan
{
    public readonly Tensor Rows;       // contiguous (Outer, Reduce)
    public readonly int Outer;
    public readonly int Reduce;
    public readonly int[] KeptShape;   // reduced dims as 1
    public readonly int[] OutShape;    // reduced dims removed or kept, as requested
    public readonly int[] Dims;

    public ReducePlan(Tensor x, int[]? dims, bool keepDim)
    {
        Dims = ShapeUtil.NormalizeDims(dims, x.Rank);
        var isReduced = new bool[x.Rank];
        foreach (int d in Dims) isReduced[d] = true;
        var perm = new List<int>();
        var kept = new int[x.Rank];
        var outShape = new List<int>();
        int outer = 1, reduce = 1;
        for (int i = 0; i < x.Rank; i++)
        {
            kept[i] = isReduced[i] ? 1 : x.Shape[i];
            if (!isReduced[i]) { perm.Add(i); outer *= x.Shape[i]; outShape.Add(x.Shape[i]); }
            else if (keepDim) outShape.Add(1);
        }
        foreach (int d in Dims) { perm.Add(d); reduce *= x.Shape[d]; }
        Tensor p = x.Detach();
        bool identity = true;
        for (int i = 0; i < perm.Count; i++) identity &= perm[i] == i;
        if (!identity) p = p.Permute(perm.ToArray());
        Rows = p.Contiguous();
        Outer = outer;
        Reduce = reduce;
        KeptShape = kept;
        OutShape = outShape.ToArray();
    }

    /// <summary>Applies <paramref name="rowKernel"/> to every row in parallel: out[o] = f(row o).</summary>
    public Tensor Map<T>(Func<ReadOnlySpan<T>, T> rowKernel) where T : unmanaged
    {
        var y = Tensor.Empty(Rows.DType, OutShape);
        var src = Rows;
        int r = Reduce;
        var dst = y;
        ParallelRuntime.For(0, Outer, Math.Max(1, ElementwiseDriver.Grain / Math.Max(r, 1)), (o0, o1) =>
        {
            var s = src.Span<T>();
            var d = dst.Span<T>();
            for (int o = (int)o0; o < o1; o++) d[o] = rowKernel(s.Slice(o * r, r));
        });
        return y;
    }
}

/// <summary>Row kernels for reductions, with deterministic chunked partials for long rows.</summary>
internal static class RowReduce
{
    private const int Chunk = 1 << 16;

    /// <summary>Sum of a row; long rows are summed in fixed chunks (in parallel when at top level) and combined in order.</summary>
    public static T Sum<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (row.Length <= Chunk) return System.Numerics.Tensors.TensorPrimitives.Sum(row);
        int chunks = (row.Length + Chunk - 1) / Chunk;
        var partial = new T[chunks];
        unsafe
        {
            fixed (T* p = row)
            {
                T* basePtr = p;
                int n = row.Length;
                ParallelRuntime.ForChunks(chunks, c =>
                {
                    int s = c * Chunk, e = Math.Min(n, s + Chunk);
                    partial[c] = System.Numerics.Tensors.TensorPrimitives.Sum(new ReadOnlySpan<T>(basePtr + s, e - s));
                });
            }
        }
        T acc = T.Zero;
        foreach (T v in partial) acc += v;
        return acc;
    }

    /// <summary>Max with NaN propagation (PyTorch semantics).</summary>
    public static T Max<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
        => System.Numerics.Tensors.TensorPrimitives.Max(row);

    /// <summary>Min with NaN propagation.</summary>
    public static T Min<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
        => System.Numerics.Tensors.TensorPrimitives.Min(row);

    /// <summary>Index of the max (first on ties; the first NaN wins, as in PyTorch).</summary>
    public static int ArgMax<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        for (int i = 0; i < row.Length; i++)
        {
            if (T.IsNaN(row[i])) return i;
            if (row[i] > row[best]) best = i;
        }
        return best;
    }

    /// <summary>Index of the min (first on ties; the first NaN wins).</summary>
    public static int ArgMin<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        for (int i = 0; i < row.Length; i++)
        {
            if (T.IsNaN(row[i])) return i;
            if (row[i] < row[best]) best = i;
        }
        return best;
    }

    /// <summary>Variance with the given correction (two-pass: mean first, then squared deviations).</summary>
    public static T Var<T>(ReadOnlySpan<T> row, int correction) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = row.Length;
        if (n - correction <= 0) return T.NaN;
        T mean = Sum(row) / T.CreateTruncating(n);
        T acc = T.Zero, comp = T.Zero;
        for (int i = 0; i < n; i++)
        {
            T d = row[i] - mean;
            acc += d * d;
            comp += d;
        }
        // Corrected two-pass (Chan et al.): subtract the rounding error of the mean.
        acc -= comp * comp / T.CreateTruncating(n);
        return acc / T.CreateTruncating(n - correction);
    }

    /// <summary>log Σ exp(x), stable; −∞ for an empty or all −∞ row.</summary>
    public static T LogSumExp<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (row.Length == 0) return T.NegativeInfinity;
        T m = Max(row);
        if (T.IsNegativeInfinity(m)) return m;
        if (T.IsInfinity(m) || T.IsNaN(m)) return m;
        T acc = T.Zero;
        for (int i = 0; i < row.Length; i++) acc += T.Exp(row[i] - m);
        return m + T.Log(acc);
    }
}
