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
        var x = FloatSelf();
        if (x.Rank == 0) x = x.Reshape(1);
        int d = ShapeUtil.NormalizeDim(dim, x.Rank);
        // The kernels work on contiguous rows: move `dim` last (a copy only when it is not already).
        bool moved = d != x.Rank - 1;
        var rows = (moved ? x.Detach().Transpose(d, -1) : x.Detach()).Contiguous();
        int cols = rows.Rank == 0 ? 1 : rows.Shape[^1];
        int n = cols == 0 ? 0 : rows.Numel / cols;
        var y = rows.EmptyLike();
        if (rows.Numel > 0)
        {
            if (rows.DType == DType.Float32)
            {
                if (log) SoftmaxKernels.LogSoftmax(rows.Span<float>(), n, cols, y.Span<float>());
                else SoftmaxKernels.Softmax(rows.Span<float>(), n, cols, y.Span<float>());
            }
            else
            {
                if (log) SoftmaxKernels.LogSoftmax(rows.Span<double>(), n, cols, y.Span<double>());
                else SoftmaxKernels.Softmax(rows.Span<double>(), n, cols, y.Span<double>());
            }
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
                    if (gr.DType == DType.Float32)
                    {
                        if (log) SoftmaxKernels.LogSoftmaxBackward(gr.Span<float>(), saved.Span<float>(), n, cols, dx.Span<float>());
                        else SoftmaxKernels.SoftmaxBackward(gr.Span<float>(), saved.Span<float>(), n, cols, dx.Span<float>());
                    }
                    else
                    {
                        if (log) SoftmaxKernels.LogSoftmaxBackward(gr.Span<double>(), saved.Span<double>(), n, cols, dx.Span<double>());
                        else SoftmaxKernels.SoftmaxBackward(gr.Span<double>(), saved.Span<double>(), n, cols, dx.Span<double>());
                    }
                }
                return [(moved ? dx.Transpose(d, -1).Contiguous() : dx).Reshape(shape)];
            });
        }
        return result;
    }
}
