using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using Tessera.Kernels.Threading;

namespace Tessera.Kernels.Conv;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch's conv2d) over contiguous NCHW spans.
/// Shapes: input (N, Cin, H, W), weight (Cout, Cin/Groups, KH, KW), bias (Cout), output (N, Cout, OutH, OutW).
/// </summary>
/// <remarks>
/// <para>The general path is im2col + GEMM (col2im for the input gradient); 1x1 stride-1 unpadded kernels use the
/// input as the column matrix. For float on AVX2/FMA hardware, small per-image products use register-blocked direct
/// GEMMs, stride-1 forwards read the image through tap offsets instead of building columns, and the weight gradient
/// with 12 or more output channels per group is vectorised over channels (see <see cref="Conv2dDirect"/>).</para>
/// <para>Work is spread over the batch (each thread with its own pooled buffers) when there are at least as many
/// images as threads or the images are small; otherwise images run one after another and the GEMM parallelises.
/// Weight gradients are summed per batch chunk and the chunks added in order, so results are deterministic for a
/// given <see cref="ParallelRuntime.ThreadCount"/>; the bias gradient does not depend on it at all.</para>
/// </remarks>
internal static class Conv2d
{
    // Below this many multiply-adds per image, splitting one image's GEMM across threads costs more than it saves.
    private const long SmallImageMacs = 1L << 22;

    /// <summary>output = conv(input, weight) + bias. Pass an empty <paramref name="bias"/> for none. The output is overwritten.</summary>
    /// <exception cref="ArgumentException">When a span length does not match the geometry.</exception>
    public static void Forward(in Conv2dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output) => ForwardCore(g, input, weight, bias, output);

    /// <summary>Double-precision <see cref="Forward(in Conv2dGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> (for gradient checks).</summary>
    /// <exception cref="ArgumentException">When a span length does not match the geometry.</exception>
    public static void Forward(in Conv2dGeometry g, ReadOnlySpan<double> input, ReadOnlySpan<double> weight,
        ReadOnlySpan<double> bias, Span<double> output) => ForwardCore(g, input, weight, bias, output);

    /// <summary>
    /// Gradients of the convolution given dL/dOutput. Each gradient is optional: pass an empty span to skip it.
    /// Requested gradients are overwritten (not accumulated). <paramref name="input"/> is only read when
    /// <paramref name="gradWeight"/> is requested and <paramref name="weight"/> only when <paramref name="gradInput"/> is;
    /// an unused one may be empty.
    /// </summary>
    /// <param name="g">Geometry of the forward convolution.</param>
    /// <param name="input">Forward input (N, Cin, H, W).</param>
    /// <param name="weight">Forward weight (Cout, Cin/Groups, KH, KW).</param>
    /// <param name="gradOutput">dL/dOutput (N, Cout, OutH, OutW).</param>
    /// <param name="gradInput">dL/dInput (N, Cin, H, W), or empty.</param>
    /// <param name="gradWeight">dL/dWeight (Cout, Cin/Groups, KH, KW), or empty.</param>
    /// <param name="gradBias">dL/dBias (Cout), or empty.</param>
    /// <exception cref="ArgumentException">When a span length does not match the geometry.</exception>
    public static void Backward(in Conv2dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> gradOutput, Span<float> gradInput, Span<float> gradWeight, Span<float> gradBias)
        => BackwardCore(g, input, weight, gradOutput, gradInput, gradWeight, gradBias);

    /// <summary>Double-precision <see cref="Backward(in Conv2dGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/> (for gradient checks).</summary>
    /// <exception cref="ArgumentException">When a span length does not match the geometry.</exception>
    public static void Backward(in Conv2dGeometry g, ReadOnlySpan<double> input, ReadOnlySpan<double> weight,
        ReadOnlySpan<double> gradOutput, Span<double> gradInput, Span<double> gradWeight, Span<double> gradBias)
        => BackwardCore(g, input, weight, gradOutput, gradInput, gradWeight, gradBias);

    /// <summary><see cref="Forward(in Conv2dGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> for a float or double element type chosen by the caller's dispatch.</summary>
    public static void Forward<T>(in Conv2dGeometry g, ReadOnlySpan<T> input, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> output) where T : unmanaged, IFloatingPointIeee754<T>
        => ForwardCore(g, input, weight, bias, output);

    /// <summary><see cref="Backward(in Conv2dGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/> for a float or double element type.</summary>
    public static void Backward<T>(in Conv2dGeometry g, ReadOnlySpan<T> input, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> gradOutput, Span<T> gradInput, Span<T> gradWeight, Span<T> gradBias) where T : unmanaged, IFloatingPointIeee754<T>
        => BackwardCore(g, input, weight, gradOutput, gradInput, gradWeight, gradBias);

    private static unsafe void ForwardCore<T>(Conv2dGeometry g, ReadOnlySpan<T> input, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> bias, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.EnsureInitialized();
        CheckLength(input.Length, g.InputLength, "input");
        CheckLength(weight.Length, g.WeightLength, "weight");
        if (!bias.IsEmpty) CheckLength(bias.Length, g.Cout, "bias");
        CheckLength(output.Length, g.OutputLength, "output");

        fixed (T* px = input, pw = weight, pb = bias, py = output)
        {
            nint x = (nint)px, w = (nint)pw, b = (nint)pb, y = (nint)py;
            bool hasBias = !bias.IsEmpty;
            int chunks = BatchChunks(g);
            if (chunks <= 1)
            {
                ForwardImages<T>(g, x, w, b, hasBias, y, 0, g.N);
            }
            else
            {
                ParallelRuntime.ForChunks(chunks, c =>
                {
                    (long s, long e) = ParallelRuntime.ChunkRange(0, g.N, chunks, c);
                    ForwardImages<T>(g, x, w, b, hasBias, y, (int)s, (int)e);
                });
            }
        }
    }

    private static unsafe void ForwardImages<T>(in Conv2dGeometry g, nint px, nint pw, nint pb, bool hasBias, nint py,
        int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Conv2dDirect.UseWideForward(g))
        {
            Conv2dDirect.ForwardWide(g, (float*)px, (float*)pw, hasBias ? (float*)pb : null, (float*)py, first, end);
            return;
        }
        var input = new ReadOnlySpan<T>((T*)px, g.InputLength);
        var weight = new ReadOnlySpan<T>((T*)pw, g.WeightLength);
        var bias = hasBias ? new ReadOnlySpan<T>((T*)pb, g.Cout) : default;
        var output = new Span<T>((T*)py, g.OutputLength);

        int groups = g.Groups, cinG = g.CinPerGroup, coutG = g.CoutPerGroup;
        int inPlane = g.H * g.W, p = g.ColCols, k = g.ColRows;
        bool pointwise = g.IsPointwise;
        T[]? colArray = pointwise ? null : ArrayPool<T>.Shared.Rent(k * p);
        try
        {
            Span<T> col = colArray is null ? default : colArray.AsSpan(0, k * p);
            for (int n = first; n < end; n++)
            {
                for (int grp = 0; grp < groups; grp++)
                {
                    ReadOnlySpan<T> xg = input.Slice((n * g.Cin + grp * cinG) * inPlane, cinG * inPlane);
                    Span<T> yg = output.Slice((n * g.Cout + grp * coutG) * p, coutG * p); // (CoutG, P)
                    ReadOnlySpan<T> wg = weight.Slice(grp * coutG * k, coutG * k);          // (CoutG, K)
                    ReadOnlySpan<T> bmat = xg;                                             // (K, P)
                    if (!pointwise)
                    {
                        Im2Col.Pack(g, cinG, xg, col);
                        bmat = col;
                    }
                    ReadOnlySpan<T> bg = hasBias ? bias.Slice(grp * coutG, coutG) : default;
                    ConvGemm.Compute(false, false, coutG, p, k, wg, k, bmat, p, T.Zero, yg, p, bg);
                }
            }
        }
        finally
        {
            if (colArray is not null) ArrayPool<T>.Shared.Return(colArray);
        }
    }

    private static unsafe void BackwardCore<T>(Conv2dGeometry g, ReadOnlySpan<T> input, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> gradOutput, Span<T> gradInput, Span<T> gradWeight, Span<T> gradBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.EnsureInitialized();
        bool wantX = !gradInput.IsEmpty, wantW = !gradWeight.IsEmpty, wantB = !gradBias.IsEmpty;
        CheckLength(gradOutput.Length, g.OutputLength, "gradOutput");
        if (wantX)
        {
            CheckLength(gradInput.Length, g.InputLength, "gradInput");
            CheckLength(weight.Length, g.WeightLength, "weight");
        }
        if (wantW)
        {
            CheckLength(gradWeight.Length, g.WeightLength, "gradWeight");
            CheckLength(input.Length, g.InputLength, "input");
        }
        if (wantB) CheckLength(gradBias.Length, g.Cout, "gradBias");

        if (wantB) BiasGrad(g, gradOutput, gradBias);
        if (!wantX && !wantW) return;

        fixed (T* px = input, pw = weight, pdy = gradOutput, pdx = gradInput, pdw = gradWeight)
        {
            nint x = (nint)px, w = (nint)pw, dy = (nint)pdy, dx = (nint)pdx, dw = (nint)pdw;
            int chunks = BatchChunks(g);
            if (chunks <= 1)
            {
                BackwardImages<T>(g, x, w, dy, wantX ? dx : 0, wantW ? dw : 0, 0, g.N);
                return;
            }

            // Chunk 0 writes its weight gradient straight into gradWeight, the others into partial
            // buffers that are then added in chunk order, so the sum does not depend on scheduling.
            int wl = g.WeightLength;
            T[]? partials = wantW ? ArrayPool<T>.Shared.Rent((chunks - 1) * wl) : null;
            try
            {
                fixed (T* pp = partials)
                {
                    nint part = (nint)pp;
                    ParallelRuntime.ForChunks(chunks, c =>
                    {
                        (long s, long e) = ParallelRuntime.ChunkRange(0, g.N, chunks, c);
                        nint dwc = !wantW ? 0 : c == 0 ? dw : part + (nint)((c - 1) * (long)wl * sizeof(T));
                        BackwardImages<T>(g, x, w, dy, wantX ? dx : 0, dwc, (int)s, (int)e);
                    });
                }
                if (wantW)
                {
                    for (int c = 1; c < chunks; c++)
                        TensorPrimitives.Add(gradWeight, partials.AsSpan((c - 1) * wl, wl), gradWeight);
                }
            }
            finally
            {
                if (partials is not null) ArrayPool<T>.Shared.Return(partials);
            }
        }
    }

    /// <summary>Backward for images [first, end): writes their gradInput slices and overwrites dW (when non-null) with their weight-gradient sum.</summary>
    private static unsafe void BackwardImages<T>(in Conv2dGeometry g, nint px, nint pw, nint pdy, nint pdx, nint pdw,
        int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool wantX = pdx != 0, wantW = pdw != 0;
        if (wantW && typeof(T) == typeof(float) && Conv2dDirect.UseGatherWeightGrad(g))
        {
            Conv2dDirect.WeightGradGather(g, (float*)px, (float*)pdy, (float*)pdw, first, end);
            wantW = false;
            if (!wantX) return;
        }
        var input = wantW ? new ReadOnlySpan<T>((T*)px, g.InputLength) : default;
        var weight = wantX ? new ReadOnlySpan<T>((T*)pw, g.WeightLength) : default;
        var gradOutput = new ReadOnlySpan<T>((T*)pdy, g.OutputLength);
        var gradInput = wantX ? new Span<T>((T*)pdx, g.InputLength) : default;
        var gradWeight = wantW ? new Span<T>((T*)pdw, g.WeightLength) : default;

        int groups = g.Groups, cinG = g.CinPerGroup, coutG = g.CoutPerGroup;
        int inPlane = g.H * g.W, p = g.ColCols, k = g.ColRows;
        bool pointwise = g.IsPointwise;
        int colLen = pointwise ? 0 : k * p;
        T[]? colArray = colLen > 0 && wantW ? ArrayPool<T>.Shared.Rent(colLen) : null;
        T[]? dcolArray = colLen > 0 && wantX ? ArrayPool<T>.Shared.Rent(colLen) : null;
        try
        {
            Span<T> col = colArray is null ? default : colArray.AsSpan(0, colLen);
            Span<T> dcol = dcolArray is null ? default : dcolArray.AsSpan(0, colLen);
            for (int n = first; n < end; n++)
            {
                Span<T> dxn = wantX ? gradInput.Slice(n * g.Cin * inPlane, g.Cin * inPlane) : default;
                if (wantX && !pointwise) dxn.Clear();
                for (int grp = 0; grp < groups; grp++)
                {
                    ReadOnlySpan<T> dyg = gradOutput.Slice((n * g.Cout + grp * coutG) * p, coutG * p); // (CoutG, P)
                    if (wantW)
                    {
                        ReadOnlySpan<T> xg = input.Slice((n * g.Cin + grp * cinG) * inPlane, cinG * inPlane);
                        ReadOnlySpan<T> bmat = xg; // (K, P)
                        if (!pointwise)
                        {
                            Im2Col.Pack(g, cinG, xg, col);
                            bmat = col;
                        }
                        // dW_g (CoutG, K) += dY_g (CoutG, P) · colᵀ (P, K)
                        Span<T> dwg = gradWeight.Slice(grp * coutG * k, coutG * k);
                        ConvGemm.Compute(false, true, coutG, k, p, dyg, p, bmat, p, n == first ? T.Zero : T.One, dwg, k);
                    }
                    if (wantX)
                    {
                        // dcol (K, P) = W_gᵀ (K, CoutG) · dY_g (CoutG, P)
                        ReadOnlySpan<T> wg = weight.Slice(grp * coutG * k, coutG * k);
                        Span<T> dxg = dxn.Slice(grp * cinG * inPlane, cinG * inPlane);
                        if (pointwise)
                        {
                            ConvGemm.Compute(true, false, k, p, coutG, wg, k, dyg, p, T.Zero, dxg, p);
                        }
                        else
                        {
                            ConvGemm.Compute(true, false, k, p, coutG, wg, k, dyg, p, T.Zero, dcol, p);
                            Im2Col.UnpackAdd(g, cinG, dcol, dxg);
                        }
                    }
                }
            }
        }
        finally
        {
            if (colArray is not null) ArrayPool<T>.Shared.Return(colArray);
            if (dcolArray is not null) ArrayPool<T>.Shared.Return(dcolArray);
        }
    }

    /// <summary>dB[co] = Σ over n, then over the plane, of dY[n, co]; the order is fixed, independent of threads.</summary>
    private static unsafe void BiasGrad<T>(in Conv2dGeometry g, ReadOnlySpan<T> gradOutput, Span<T> gradBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = g.ColCols, cout = g.Cout, batch = g.N;
        fixed (T* pdy = gradOutput, pdb = gradBias)
        {
            nint dy = (nint)pdy, db = (nint)pdb;
            int len = g.OutputLength;
            // Threads only pay off from a few hundred thousand elements per chunk.
            ParallelRuntime.For(0, cout, Math.Max(1, 262144 / Math.Max(1, p * batch)), (s, e) =>
            {
                var src = new ReadOnlySpan<T>((T*)dy, len);
                var dst = new Span<T>((T*)db, cout);
                for (long co = s; co < e; co++)
                {
                    T acc = T.Zero;
                    for (int n = 0; n < batch; n++) acc += TensorPrimitives.Sum(src.Slice((n * cout + (int)co) * p, p));
                    dst[(int)co] = acc;
                }
            });
        }
    }

    /// <summary>How many batch chunks to run in parallel; 1 means images run in turn and the GEMM may parallelise instead.</summary>
    private static int BatchChunks(in Conv2dGeometry g)
    {
        int threads = ParallelRuntime.ThreadCount;
        if (threads <= 1 || g.N <= 1 || ParallelRuntime.InParallelRegion) return 1;
        long macsPerImage = (long)g.Cout * g.ColRows * g.ColCols;
        if (g.N < threads && macsPerImage >= SmallImageMacs) return 1;
        return ParallelRuntime.ChunkCount(g.N, 1);
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"Conv2d: {name} has {actual} elements, expected {expected}", name);
    }
}
