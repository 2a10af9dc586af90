using Tessera.Kernels.Gemm;
using Tessera.Ops;

namespace Tessera;

public partial class Tensor
{
    /// <summary>
    /// Matrix product with PyTorch's <c>matmul</c> rules: 1-D·1-D is a dot product, 1-D operands are
    /// promoted to a row/column and squeezed back, and leading (batch) dims broadcast.
    /// </summary>
    public Tensor Matmul(Tensor other)
    {
        Tensor a = this, b = other;
        if (!a.DType.IsFloatingPoint() || a.DType != b.DType)
            throw new ArgumentException($"Matmul needs two floating tensors of the same dtype, got {a.DType.Name()} and {b.DType.Name()}.");
        if (a.Rank == 0 || b.Rank == 0) throw new ArgumentException("Matmul does not take 0-d tensors; use Mul.");
        if (a.Rank == 1 && b.Rank == 1)
        {
            if (a._shape[0] != b._shape[0]) throw new ArgumentException($"Matmul: vectors of sizes {a._shape[0]} and {b._shape[0]} cannot be dotted.");
            return Mm(a.Unsqueeze(0), b.Unsqueeze(1)).Reshape([]);
        }
        if (a.Rank == 1) return a.Unsqueeze(0).Matmul(b).Squeeze(-2);
        if (b.Rank == 1) return a.Matmul(b.Unsqueeze(1)).Squeeze(-1);
        if (a.Rank == 2 && b.Rank == 2) return Mm(a, b);
        int m = a._shape[^2], k = a._shape[^1], k2 = b._shape[^2], n = b._shape[^1];
        if (k != k2) throw new ArgumentException($"Matmul: shapes {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)} cannot be multiplied ({k} vs {k2}).");
        if (b.Rank == 2)
        {
            // (..., M, K)·(K, N): fold the batch into rows, one GEMM.
            var lead = a._shape[..^2];
            return Mm(a.Reshape(-1, k), b).Reshape([.. lead, m, n]);
        }
        int[] batch = ShapeUtil.BroadcastShapes(a._shape[..^2], b._shape[..^2]);
        int bsz = ShapeUtil.NumelInt(batch, "Matmul batch");
        var a3 = a.Expand([.. batch, m, k]).Reshape(bsz, m, k);
        var b3 = b.Expand([.. batch, k, n]).Reshape(bsz, k, n);
        return Bmm(a3, b3).Reshape([.. batch, m, n]);
    }

    /// <summary>2-D matrix product (M, K)·(K, N) → (M, N).</summary>
    public static Tensor Mm(Tensor a, Tensor b)
    {
        if (a.Rank != 2 || b.Rank != 2) throw new ArgumentException($"Mm needs 2-D tensors, got shapes {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)}.");
        int m = a._shape[0], k = a._shape[1], n = b._shape[1];
        if (b._shape[0] != k) throw new ArgumentException($"Mm: shapes {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)} cannot be multiplied ({k} vs {b._shape[0]}).");
        var y = Empty(a.DType, m, n);
        Gemm(MatrixOperand.Of(a), MatrixOperand.Of(b), y, m, n, k, 0);
        if (NeedsGrad(a, b))
        {
            Tensor ad = a.Detach(), bd = b.Detach();
            y.SetGradFn("MmBackward", [a, b], g => [
                a.RequiresGrad ? Mm(g, bd.T) : null,
                b.RequiresGrad ? Mm(ad.T, g) : null]);
        }
        return y;
    }

    /// <summary>Batched matrix product (B, M, K)·(B, K, N) → (B, M, N).</summary>
    public static Tensor Bmm(Tensor a, Tensor b)
    {
        if (a.Rank != 3 || b.Rank != 3 || a._shape[0] != b._shape[0] || a._shape[2] != b._shape[1])
            throw new ArgumentException($"Bmm needs (B, M, K) and (B, K, N), got {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)}.");
        int bs = a._shape[0], m = a._shape[1], k = a._shape[2], n = b._shape[2];
        var y = Empty(a.DType, bs, m, n);
        Tensor ad0 = a.Detach(), bd0 = b.Detach();
        var a0 = bs > 0 ? MatrixOperand.Of(ad0.Select(0, 0)) : default;
        var b0 = bs > 0 ? MatrixOperand.Of(bd0.Select(0, 0)) : default;
        if (bs > 0 && a.DType == DType.Float32 && a0.Tensor.SharesStorageWith(ad0) && b0.Tensor.SharesStorageWith(bd0) && m > 0 && n > 0)
        {
            // Every matrix of the batch has the same layout: one batched call (threads over the batch when products are small).
            Sgemm.ComputeBatched(a0.Transposed, b0.Transposed, bs, m, n, k, 1f,
                a0.Floats, a0.Ld, ad0.Strides[0], b0.Floats, b0.Ld, bd0.Strides[0], 0f, y.Span<float>(), n, (long)m * n);
        }
        else
        {
            for (int i = 0; i < bs; i++) Gemm(MatrixOperand.Of(ad0.Select(0, i)), MatrixOperand.Of(bd0.Select(0, i)), y.Select(0, i), m, n, k, 0);
        }
        if (NeedsGrad(a, b))
        {
            Tensor ad = a.Detach(), bd = b.Detach();
            y.SetGradFn("BmmBackward", [a, b], g => [
                a.RequiresGrad ? Bmm(g, bd.Transpose(1, 2)) : null,
                b.RequiresGrad ? Bmm(ad.Transpose(1, 2), g) : null]);
        }
        return y;
    }

    /// <summary>
    /// Fused linear layer: y = x·Wᵀ + b. x (..., In), weight (Out, In), bias (Out) or null → (..., Out).
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (weight.Rank != 2) throw new ArgumentException($"Linear weight must be (out, in), got shape {ShapeUtil.Format(weight.Shape)}.");
        int outF = weight._shape[0], inF = weight._shape[1];
        if (x.Rank == 0 || x._shape[^1] != inF)
            throw new ArgumentException($"Linear: input shape {ShapeUtil.Format(x.Shape)} does not end in {inF} (weight {ShapeUtil.Format(weight.Shape)}).");
        if (bias is not null && (bias.Rank != 1 || bias._shape[0] != outF))
            throw new ArgumentException($"Linear bias must have shape [{outF}], got {ShapeUtil.Format(bias.Shape)}.");
        if (x.DType != weight.DType) throw new ArgumentException($"Linear: input is {x.DType.Name()} but weight is {weight.DType.Name()}.");
        // A 2-D input (the common case) goes to GEMM as is: no reshape views, and the weight as a transposed operand.
        bool flat = x.Rank == 2;
        var x2 = flat ? x : x.Detach().Reshape(-1, inF);
        int rows = x2._shape[0];
        var y = Empty(x.DType, rows, outF);
        float beta = 0;
        if (bias is not null)
        {
            BroadcastRows(bias, y, rows, outF);
            beta = 1;
        }
        Gemm(MatrixOperand.Of(x2), MatrixOperand.Of(weight, transpose: true), y, rows, outF, inF, beta);
        var result = flat ? y : y.Reshape([.. x._shape.AsSpan(0, x.Rank - 1), outF]);
        if (NeedsGrad(x, weight, bias))
        {
            if (flat) x2 = x.Detach();
            Tensor wd = weight.Detach();
            int[] xShape = x._shape;
            result.SetGradFn("LinearBackward", bias is null ? [x, weight] : [x, weight, bias], g =>
            {
                var g2 = g.Reshape(-1, outF);
                return [
                    x.RequiresGrad ? Mm(g2, wd).Reshape(xShape) : null,
                    weight.RequiresGrad ? Mm(g2.T, x2) : null,
                    bias is not null && bias.RequiresGrad ? g2.Sum(0) : null];
            });
        }
        return result;
    }

    /// <summary>Writes the (outF) bias into every row of the fresh contiguous (rows, outF) y: the GEMM then adds onto it.</summary>
    private static void BroadcastRows(Tensor bias, Tensor y, int rows, int outF)
    {
        // A contiguous bias is copied row by row (a span copy each): cheaper than a strided copy from an expanded view,
        // which showed at batch 1 (~0.3 µs of a 4 µs 784×128 linear).
        if (bias.IsContiguous && bias.DType == y.DType) DTypeDispatch.Raw(y.DType, new RowCopy(bias, y, rows, outF), "linear");
        else CopyRaw(bias.Detach().Expand(rows, outF), y);
    }

    private readonly struct RowCopy(Tensor bias, Tensor y, int rows, int outF) : IRawOp
    {
        public void Run<T>() where T : unmanaged
        {
            ReadOnlySpan<T> b = bias.RawSpan<T>();
            Span<T> dst = y.RawSpan<T>();
            for (int r = 0; r < rows; r++) b.CopyTo(dst.Slice(r * outF, outF));
        }
    }

    /// <summary>y = op(A)·op(B) + beta·y for a contiguous 2-D y.</summary>
    private static void Gemm(MatrixOperand a, MatrixOperand b, Tensor y, int m, int n, int k, float beta)
    {
        if (m == 0 || n == 0) return;
        if (y.DType.IsReducedPrecision())
        {
            GemmInFloat32(a, b, y, m, n, k, beta);
            return;
        }
        int ldc = y.Rank == 2 ? (int)Math.Min(y._strides[0], int.MaxValue) : n;   // y is contiguous: its row stride is n
        if (ldc < n) ldc = n;
        switch (y.DType)
        {
            case DType.Float32:
                Sgemm.Compute(a.Transposed, b.Transposed, m, n, k, 1f, a.Floats, a.Ld, b.Floats, b.Ld, beta, y.StorageFrom<float>(), ldc);
                break;
            case DType.Float64:
                Dgemm.Compute(a.Transposed, b.Transposed, m, n, k, 1.0, a.Doubles, a.Ld, b.Doubles, b.Ld, beta, y.StorageFrom<double>(), ldc);
                break;
            default: throw DTypeDispatch.Unsupported("matmul", y.DType);
        }
    }

    /// <summary>
    /// float16/bfloat16 products: operands are widened to float32 (exact) in the layout they are stored in, the
    /// product is accumulated in float32 by SGEMM, and the result is rounded once, as PyTorch's CPU matmul does.
    /// </summary>
    private static void GemmInFloat32(MatrixOperand a, MatrixOperand b, Tensor y, int m, int n, int k, float beta)
    {
        var temps = new List<Tensor>(4);
        MatrixOperand Widen(MatrixOperand op)
        {
            var stored = op.Tensor.Detach();   // row-major as stored, so widening copies without transposing; records nothing
            var w = stored.To(DType.Float32);
            if (!ReferenceEquals(w, stored)) temps.Add(w);
            return MatrixOperand.Of(w, transpose: op.Transposed);
        }
        var y32 = beta != 0 ? y.To(DType.Float32) : Empty(DType.Float32, m, n);
        temps.Add(y32);
        Gemm(Widen(a), Widen(b), y32, m, n, k, beta);
        var rounded = y32.To(y.DType);
        CopyRaw(rounded, y);
        rounded.Storage.Release();
        foreach (var t in temps) t.Storage.Release();
    }
}
