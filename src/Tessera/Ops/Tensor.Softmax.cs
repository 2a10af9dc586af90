using System.Numerics;
using Tessera.Kernels.Softmax;

namespace Tessera;

public partial class Tensor
{
    /// <summary>Softmax along <paramref name="dim"/>: exp(x − max) / Σ exp(x − max).</summary>
    public Tensor Softmax(int dim) => SoftmaxCore(dim, log: false);

    /// <summary>log(softmax(x)) along <paramref name="dim"/>, computed stably.</summary>
    public Tensor LogSoftmax(int dim) => SoftmaxCore(dim, log: true);

    private Tensor SoftmaxCore(int dim, bool log)
    {
        // float16/bfloat16 compute in float32 and round once at the end, as PyTorch's CPU kernels.
        if (DType.IsReducedPrecision()) return To(DType.Float32).SoftmaxCore(dim, log).To(DType);
        var x = FloatSelf();
        if (x.Rank == 0) x = x.Reshape(1);
        int d = ShapeUtil.NormalizeDim(dim, x.Rank);
        // The kernels work on contiguous rows: move `dim` last (a copy only when it is not already).
        bool moved = d != x.Rank - 1;
        var rows = (moved ? x.Detach().Transpose(d, -1) : x.Detach()).Contiguous();
        int cols = rows.Rank == 0 ? 1 : rows.Shape[^1];
        int n = cols == 0 ? 0 : rows.SpanLength / cols;
        var y = rows.EmptyLike();
        if (rows.Numel > 0)
        {
            DTypeDispatch.Float(rows.DType, new SoftmaxOp(rows, y, n, cols, log), log ? "log_softmax" : "softmax");
        }
        var result = moved ? y.Transpose(d, -1).Contiguous() : y;
        if (Rank == 0) result = result.Reshape([]);
        if (NeedsGrad(x))
        {
            var saved = y;
            Tensor self = this.DType.IsFloatingPoint() ? this : x;
            int[] shape = self.ShapeArray();
            result.SetGradFn(log ? "LogSoftmaxBackward" : "SoftmaxBackward", [self], g =>
            {
                var gr = (moved ? g.Reshape(x.ShapeArray()).Transpose(d, -1) : g.Reshape(x.ShapeArray())).Contiguous();
                var dx = gr.EmptyLike();
                if (gr.Numel > 0)
                {
                    DTypeDispatch.Float(gr.DType, new SoftmaxBackwardOp(gr, saved, dx, n, cols, log), log ? "log_softmax backward" : "softmax backward");
                }
                return [(moved ? dx.Transpose(d, -1).Contiguous() : dx).Reshape(shape)];
            });
        }
        return result;
    }

    private readonly struct SoftmaxOp(Tensor x, Tensor y, int rows, int cols, bool log) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (log) SoftmaxKernels.LogSoftmax(x.Span<T>(), rows, cols, y.Span<T>());
            else SoftmaxKernels.Softmax(x.Span<T>(), rows, cols, y.Span<T>());
        }
    }

    private readonly struct SoftmaxBackwardOp(Tensor g, Tensor y, Tensor dx, int rows, int cols, bool log) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (log) SoftmaxKernels.LogSoftmaxBackward(g.Span<T>(), y.Span<T>(), rows, cols, dx.Span<T>());
            else SoftmaxKernels.SoftmaxBackward(g.Span<T>(), y.Span<T>(), rows, cols, dx.Span<T>());
        }
    }
}
