using System.Numerics;
using Tessera.Kernels.Norm;

namespace Tessera;

public static partial class Functional
{
    /// <summary>
    /// Inverted dropout: in training, zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1−p);
    /// the identity when not training or p = 0.
    /// </summary>
    public static Tensor Dropout(Tensor x, double p = 0.5, bool training = true, Generator? generator = null)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1].");
        if (!training || p == 0) return x;
        if (p == 1) return x.Mul(0.0);
        var keep = Tensor.Rand(x.ShapeArray(), generator, x.DType).Ge(Tensor.Scalar(p, x.DType));
        return x.Mul(keep.To(x.DType).Mul(1.0 / (1 - p)));
    }

    /// <summary>
    /// Layer normalisation over the last <c>normalizedShape.Length</c> dims: (x − mean)/√(var + eps)·weight + bias,
    /// with the biased variance. x (..., *normalizedShape); weight and bias of normalizedShape or null.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        int k = normalizedShape.Length;
        if (k == 0 || k > x.Rank || !x.Shape[^k..].SequenceEqual(normalizedShape))
            throw new ArgumentException($"LayerNorm: normalized shape {ShapeUtil.Format(normalizedShape)} does not match the end of input shape {ShapeUtil.Format(x.Shape)}.");
        if (x.DType is not (DType.Float32 or DType.Float64)) throw DTypeDispatch.Unsupported("layer_norm", x.DType);
        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias") })
            if (t is not null && !t.Shape.SequenceEqual(normalizedShape))
                throw new ArgumentException($"LayerNorm: {name} has shape {ShapeUtil.Format(t.Shape)}, expected {ShapeUtil.Format(normalizedShape)}.");
        int n = ShapeUtil.NumelInt(normalizedShape, "LayerNorm");
        var xc = x.Detach().Contiguous();
        int rows = n == 0 ? 0 : xc.SpanLength / n;
        var w = weight?.Detach().To(x.DType).Contiguous();
        var b = bias?.Detach().To(x.DType).Contiguous();
        var y = xc.EmptyLike();
        var mean = Tensor.Empty(x.DType, rows);
        var rstd = Tensor.Empty(x.DType, rows);
        if (xc.Numel > 0)
        {
            DTypeDispatch.Float(x.DType, new LayerNormForward(xc, rows, n, w, b, eps, y, mean, rstd), "layer_norm");
        }
        if (Tensor.NeedsGrad(x, weight ?? x, bias))
        {
            var inputs = new List<Tensor> { x };
            if (weight is not null) inputs.Add(weight);
            if (bias is not null) inputs.Add(bias);
            y.SetGradFn("NativeLayerNormBackward", inputs.ToArray(), g =>
            {
                var gc = g.Contiguous();
                Tensor? dx = x.RequiresGrad ? xc.EmptyLike() : null;
                Tensor? dw = weight is not null && weight.RequiresGrad ? Tensor.Empty(x.DType, normalizedShape) : null;
                Tensor? db = bias is not null && bias.RequiresGrad ? Tensor.Empty(x.DType, normalizedShape) : null;
                if (xc.Numel > 0)
                {
                    DTypeDispatch.Float(x.DType, new LayerNormBackward(gc, xc, rows, n, mean, rstd, w, dx, dw, db), "layer_norm backward");
                }
                else
                {
                    dw?.Zero_();
                    db?.Zero_();
                }
                var grads = new List<Tensor?> { dx };
                if (weight is not null) grads.Add(dw);
                if (bias is not null) grads.Add(db);
                return grads.ToArray();
            });
        }
        return y;
    }

    /// <summary>
    /// Batch normalisation over (N, C, ...) per channel C. In training, normalises with the batch statistics
    /// (biased variance) and, when running buffers are given, updates them in place:
    /// running = (1 − momentum)·running + momentum·batch (unbiased variance for running_var), as PyTorch.
    /// In evaluation, normalises with the running statistics.
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = true, double momentum = 0.1, double eps = 1e-5)
    {
        if (x.Rank < 2) throw new ArgumentException($"BatchNorm expects (N, C, ...) input, got {ShapeUtil.Format(x.Shape)}.");
        int c = x.Shape[1];
        foreach (var (t, name) in new[] { (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias") })
            if (t is not null && (t.Rank != 1 || t.Shape[0] != c))
                throw new ArgumentException($"BatchNorm: {name} must have shape [{c}], got {ShapeUtil.Format(t.Shape)}.");
        if (x.DType is not (DType.Float32 or DType.Float64)) throw DTypeDispatch.Unsupported("batch_norm", x.DType);
        if (!training && (runningMean is null || runningVar is null))
            throw new ArgumentException("BatchNorm in evaluation mode needs running_mean and running_var.");
        int nb = x.Shape[0];
        int hw = nb * c == 0 ? 0 : ShapeUtil.NumelInt(x.Shape[Math.Min(2, x.Rank)..], "BatchNorm");
        if (training && nb * hw <= 1)
            throw new ArgumentException($"BatchNorm in training needs more than 1 value per channel, got input shape {ShapeUtil.Format(x.Shape)}.");
        DType dt = x.DType;
        var xc = x.Detach().Contiguous();
        var w = weight?.Detach().To(dt).Contiguous();
        var b = bias?.Detach().To(dt).Contiguous();
        // The kernels update running statistics in place: hand them dense buffers of the input's dtype.
        Tensor? rm = runningMean is null ? null : runningMean.DType == dt && runningMean.IsContiguous ? runningMean : runningMean.Detach().To(dt).Contiguous().Clone();
        Tensor? rv = runningVar is null ? null : runningVar.DType == dt && runningVar.IsContiguous ? runningVar : runningVar.Detach().To(dt).Contiguous().Clone();
        var y = xc.EmptyLike();
        var saveMean = Tensor.Empty(dt, c);
        var saveInvStd = Tensor.Empty(dt, c);
        if (xc.Numel > 0)
        {
            DTypeDispatch.Float(dt, new BatchNormForward(xc, nb, c, hw, w, b, eps, momentum, rm, rv, y, saveMean, saveInvStd, training), "batch_norm");
        }
        using (GradMode.NoGrad())
        {
            if (training && runningMean is not null && !ReferenceEquals(rm, runningMean)) runningMean.CopyFrom_(rm!);
            if (training && runningVar is not null && !ReferenceEquals(rv, runningVar)) runningVar.CopyFrom_(rv!);
        }
        // Inference backward needs the statistics as they were in the forward pass.
        Tensor? rmSaved = training ? null : rm!.Clone();
        Tensor? rvSaved = training ? null : rv!.Clone();
        if (Tensor.NeedsGrad(x, weight ?? x, bias))
        {
            var inputs = new List<Tensor> { x };
            if (weight is not null) inputs.Add(weight);
            if (bias is not null) inputs.Add(bias);
            y.SetGradFn("NativeBatchNormBackward", inputs.ToArray(), g =>
            {
                var gc = g.Contiguous();
                Tensor? dx = x.RequiresGrad ? xc.EmptyLike() : null;
                Tensor? dw = weight is not null && weight.RequiresGrad ? Tensor.Empty(dt, c) : null;
                Tensor? db = bias is not null && bias.RequiresGrad ? Tensor.Empty(dt, c) : null;
                if (xc.Numel == 0) { dw?.Zero_(); db?.Zero_(); }
                else
                    DTypeDispatch.Float(dt, new BatchNormBackward(gc, xc, nb, c, hw, w, training ? saveMean : rmSaved!, training ? saveInvStd : rvSaved!,
                        eps, dx, dw, db, training), "batch_norm backward");
                var grads = new List<Tensor?> { dx };
                if (weight is not null) grads.Add(dw);
                if (bias is not null) grads.Add(db);
                return grads.ToArray();
            });
        }
        return y;
    }

    private static ReadOnlySpan<T> Opt<T>(Tensor? t) where T : unmanaged => t is null ? default : t.Span<T>();

    private static Span<T> OptMut<T>(Tensor? t) where T : unmanaged => t is null ? default : t.Span<T>();

    /// <summary>
    /// Rows of <paramref name="weight"/> (V, D) picked by integer <paramref name="indices"/> (any shape) → (*indices, D).
    /// The row at <paramref name="paddingIdx"/> (negative counts from the end) receives no gradient. float32 and float64
    /// tables; float16/bfloat16 tables are gathered as stored and their gradient is accumulated in float32.
    /// </summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, long? paddingIdx = null)
    {
        if (weight.Rank != 2) throw new ArgumentException($"Embedding weight must be (num_embeddings, dim), got {ShapeUtil.Format(weight.Shape)}.");
        DType dt = weight.DType;
        if (dt is not (DType.Float32 or DType.Float64) && !dt.IsReducedPrecision()) throw DTypeDispatch.Unsupported("embedding", dt);
        int v = weight.Shape[0], d = weight.Shape[1];
        if (paddingIdx is { } pi && (pi < -v || pi >= v))
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), pi, $"Embedding padding_idx {pi} is out of range for {v} embeddings.");
        var flat = indices.To(DType.Int64).Reshape(-1).Contiguous();
        foreach (long i in flat.Span<long>())
            if (i < 0 || i >= v) throw new ArgumentOutOfRangeException(nameof(indices), $"Embedding index {i} is out of range for {v} embeddings.");
        var w = weight.Detach().Contiguous();
        var rows = Tensor.Empty(dt, flat.SpanLength, d);
        if (rows.Numel > 0)
        {
            // A gather only moves bits, so 16-bit tables go through the kernel as Half whatever their format.
            if (dt.IsReducedPrecision()) new EmbeddingForward(w, v, d, flat, rows).Run<Half>();
            else DTypeDispatch.Float(dt, new EmbeddingForward(w, v, d, flat, rows), "embedding");
        }
        var y = rows.Reshape([.. indices.Shape, d]);
        if (GradMode.IsEnabled && weight.RequiresGrad)
        {
            y.SetGradFn("EmbeddingBackward", [weight], g =>
            {
                DType gt = dt.IsReducedPrecision() ? DType.Float32 : dt;
                var gc = g.To(gt).Reshape(-1, d).Contiguous();
                var gw = Tensor.Empty(gt, v, d);
                if (gw.Numel > 0)
                {
                    if (gc.Numel == 0) gw.Zero_();
                    else DTypeDispatch.Float(gt, new EmbeddingBackward(gc, flat, v, d, gw, paddingIdx), "embedding backward");
                }
                return [gw.To(dt)];
            });
        }
        return y;
    }

    private readonly struct EmbeddingForward(Tensor w, int v, int d, Tensor flat, Tensor y) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Kernels.Embedding.EmbeddingLookup.Forward(w.RawSpan<T>(), v, d, flat.Span<long>(), y.RawSpan<T>());
    }

    private readonly struct EmbeddingBackward(Tensor g, Tensor flat, int v, int d, Tensor gw, long? paddingIdx) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Kernels.Embedding.EmbeddingLookup.Backward(g.Span<T>(), flat.Span<long>(), v, d, gw.Span<T>(), paddingIdx);
    }

    private readonly struct LayerNormForward(Tensor x, int rows, int n, Tensor? w, Tensor? b, double eps, Tensor y, Tensor mean, Tensor rstd) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            LayerNormKernels.Forward(x.Span<T>(), rows, n, Opt<T>(w), Opt<T>(b), T.CreateTruncating(eps), y.Span<T>(), mean.Span<T>(), rstd.Span<T>());
    }

    private readonly struct LayerNormBackward(Tensor g, Tensor x, int rows, int n, Tensor mean, Tensor rstd, Tensor? w, Tensor? dx, Tensor? dw, Tensor? db) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            LayerNormKernels.Backward(g.Span<T>(), x.Span<T>(), rows, n, mean.Span<T>(), rstd.Span<T>(), Opt<T>(w), OptMut<T>(dx), OptMut<T>(dw), OptMut<T>(db));
    }

    // Training normalises with the batch statistics (and updates rm/rv when given); inference with rm/rv.
    private readonly struct BatchNormForward(Tensor x, int nb, int c, int hw, Tensor? w, Tensor? b, double eps, double momentum,
        Tensor? rm, Tensor? rv, Tensor y, Tensor saveMean, Tensor saveInvStd, bool training) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (training)
                BatchNormKernels.ForwardTraining(x.Span<T>(), nb, c, hw, Opt<T>(w), Opt<T>(b), T.CreateTruncating(eps), T.CreateTruncating(momentum),
                    OptMut<T>(rm), OptMut<T>(rv), y.Span<T>(), saveMean.Span<T>(), saveInvStd.Span<T>());
            else
                BatchNormKernels.ForwardInference(x.Span<T>(), nb, c, hw, Opt<T>(w), Opt<T>(b), rm!.Span<T>(), rv!.Span<T>(), T.CreateTruncating(eps), y.Span<T>());
        }
    }

    // stat1/stat2 are the saved batch mean and inverse std in training, the running mean and variance in inference.
    private readonly struct BatchNormBackward(Tensor g, Tensor x, int nb, int c, int hw, Tensor? w, Tensor stat1, Tensor stat2, double eps,
        Tensor? dx, Tensor? dw, Tensor? db, bool training) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (training)
                BatchNormKernels.BackwardTraining(g.Span<T>(), x.Span<T>(), nb, c, hw, Opt<T>(w), stat1.Span<T>(), stat2.Span<T>(),
                    OptMut<T>(dx), OptMut<T>(dw), OptMut<T>(db));
            else
                BatchNormKernels.BackwardInference(g.Span<T>(), x.Span<T>(), nb, c, hw, Opt<T>(w), stat1.Span<T>(), stat2.Span<T>(), T.CreateTruncating(eps),
                    OptMut<T>(dx), OptMut<T>(dw), OptMut<T>(db));
        }
    }
}
