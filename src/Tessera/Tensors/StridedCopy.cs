using Tessera.Kernels.Threading;

namespace Tessera;

/// <summary>Copies between arbitrary strided views of the same element type.</summary>
internal static class StridedCopy
{
    private const int Grain = 1 << 15;

    /// <summary>dst[i] = src[i] over <paramref name="shape"/>, each side with its own offset and strides.</summary>
    /// <remarks>Pointers to each view's first element, so views into storages of any size work.</remarks>
    public static unsafe void Copy<T>(T* src, long[] srcStrides, T* dst, long[] dstStrides, int[] shape)
        where T : unmanaged
    {
        if (ShapeUtil.Numel(shape) == 0) return;
        var layout = new StridedLayout(shape, srcStrides, dstStrides);
        int inner = layout.InnerSize;
        long ss = layout.InnerStride(0), ds = layout.InnerStride(1);
        int rows = layout.Rows;
        if (rows == 1 && ss == 1 && ds == 1)
        {
            new ReadOnlySpan<T>(src, inner).CopyTo(new Span<T>(dst, inner));
            return;
        }
        T* s0 = src, d0 = dst;
        var copy = layout;
        ParallelRuntime.For(0, rows, Math.Max(1, Grain / Math.Max(inner, 1)), (r0, r1) =>
        {
            for (int r = (int)r0; r < (int)r1; r++)
            {
                T* s = s0 + copy.RowOffset(0, r), d = d0 + copy.RowOffset(1, r);
                if (ss == 1 && ds == 1) new ReadOnlySpan<T>(s, inner).CopyTo(new Span<T>(d, inner));
                else for (int i = 0; i < inner; i++, s += ss, d += ds) *d = *s;   // pointer steps: strides may exceed 2^31
            }
        });
    }
}
