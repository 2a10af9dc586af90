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
        if (!x.DType.IsFloatingPoint()) throw new ArgumentException($"LayerNorm needs a floating input, got {x.DType.Name()}.");
        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias") })
            if (t is not null && !t.Shape.SequenceEqual(normalizedShape))
                throw new ArgumentException($"LayerNorm: {name} has shape {ShapeUtil.Format(t.Shape)}, expected {ShapeUtil.Format(normalizedShape)}.");
        int n = ShapeUtil.Numel(normalizedShape);
        var xc = x.Detach().Contiguous();
        int rows = n == 0 ? 0 : xc.Numel / n;
        var w = weight?.Detach().To(x.DType).Contiguous();
        var b = bias?.Detach().To(x.DType).Contiguous();
        var y = xc.EmptyLike();
        var mean = Tensor.Empty(x.DType, rows);
        var rstd = Tensor.Empty(x.DType, rows);
        if (xc.Numel > 0)
        {
            if (x.DType == DType.Float32)
                LayerNormKernels.Forward(xc.Span<float>(), rows, n, w is null ? default : w.Span<float>(), b is null ? default : b.Span<float>(),
                    (float)eps, y.Span<float>(), mean.Span<float>(), rstd.Span<float>());
            else
                LayerNormKernels.Forward(xc.Span<double>(), rows, n, w is null ? default : w.Span<double>(), b is null ? default : b.Span<double>(),
                    eps, y.Span<double>(), mean.Span<double>(), rstd.Span<double>());
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
                    if (x.DType == DType.Float32)
                        LayerNormKernels.Backward(gc.Span<float>(), xc.Span<float>(), rows, n, mean.Span<float>(), rstd.Span<float>(),
                            w is null ? default : w.Span<float>(), dx is null ? default : dx.Span<float>(),
                            dw is null ? default : dw.Span<float>(), db is null ? default : db.Span<float>());
                    else
                        LayerNormKernels.Backward(gc.Span<double>(), xc.Span<double>(), rows, n, mean.Span<double>(), rstd.Span<double>(),
                            w is null ? default : w.Span<double>(), dx is null ? default : dx.Span<double>(),
                            dw is null ? default : dw.Span<double>(), db is null ? default : db.Span<double>());
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
        if (!x.DType.IsFloatingPoint()) throw new ArgumentException($"BatchNorm needs a floating input, got {x.DType.Name()}.");
        if (!training && (runningMean is null || runningVar is null))
            throw new ArgumentException("BatchNorm in evaluation mode needs running_mean and running_var.");
        int nb = x.Shape[0];
        int hw = nb * c == 0 ? 0 : x.Numel / (nb * c);
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
            if (dt == DType.Float32)
            {
                if (training)
                    BatchNormKernels.ForwardTraining(xc.Span<float>(), nb, c, hw, Opt<float>(w), Opt<float>(b), (float)eps, (float)momentum,
                        OptMut<float>(rm), OptMut<float>(rv), y.Span<float>(), saveMean.Span<float>(), saveInvStd.Span<float>());
                else
                    BatchNormKernels.ForwardInference(xc.Span<float>(), nb, c, hw, Opt<float>(w), Opt<float>(b), rm!.Span<float>(), rv!.Span<float>(), (float)eps, y.Span<float>());
            }
            else
            {
                if (training)
                    BatchNormKernels.ForwardTraining(xc.Span<double>(), nb, c, hw, Opt<double>(w), Opt<double>(b), eps, momentum,
                        OptMut<double>(rm), OptMut<double>(rv), y.Span<double>(), saveMean.Span<double>(), saveInvStd.Span<double>());
                else
                    BatchNormKernels.ForwardInference(xc.Span<double>(), nb, c, hw, Opt<double>(w), Opt<double>(b), rm!.Span<double>(), rv!.Span<double>(), eps, y.Span<double>());
            }
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
                else if (dt == DType.Float32)
                {
                    if (training)
                        BatchNormKernels.BackwardTraining(gc.Span<float>(), xc.Span<float>(), nb, c, hw, Opt<float>(w), saveMean.Span<float>(), saveInvStd.Span<float>(),
                            OptMut<float>(dx), OptMut<float>(dw), OptMut<float>(db));
                    else
                        BatchNormKernels.BackwardInference(gc.Span<float>(), xc.Span<float>(), nb, c, hw, Opt<float>(w), rmSaved!.Span<float>(), rvSaved!.Span<float>(), (float)eps,
                            OptMut<float>(dx), OptMut<float>(dw), OptMut<float>(db));
                }
                else
                {
                    if (training)
                        BatchNormKernels.BackwardTraining(gc.Span<double>(), xc.Span<double>(), nb, c, hw, Opt<double>(w), saveMean.Span<double>(), saveInvStd.Span<double>(),
                            OptMut<double>(dx), OptMut<double>(dw), OptMut<double>(db));
                    else
                        BatchNormKernels.BackwardInference(gc.Span<double>(), xc.Span<double>(), nb, c, hw, Opt<double>(w), rmSaved!.Span<double>(), rvSaved!.Span<double>(), eps,
                            OptMut<double>(dx), OptMut<double>(dw), OptMut<double>(db));
                }
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
    /// The row at <paramref name="paddingIdx"/> receives no gradient.
    /// </summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, long? paddingIdx = null)
    {
        if (weight.Rank != 2) throw new ArgumentException($"Embedding weight must be (num_embeddings, dim), got {ShapeUtil.Format(weight.Shape)}.");
        int v = weight.Shape[0], d = weight.Shape[1];
        var flat = indices.To(DType.Int64).Reshape(-1).Contiguous();
        foreach (long i in flat.ToArray<long>())
            if (i < 0 || i >= v) throw new ArgumentOutOfRangeException(nameof(indices), $"Embedding index {i} is out of range for {v} embeddings.");
        var y = weight.Detach().IndexSelect(0, flat).Reshape([.. indices.Shape, d]);
        if (GradMode.IsEnabled && weight.RequiresGrad)
        {
            long pad = paddingIdx is { } p ? (p < 0 ? p + v : p) : -1;
            y.SetGradFn("EmbeddingBackward", [weight], g =>
            {
                var gw = Tensor.Zeros([v, d], g.DType);
                var g2 = g.Reshape(-1, d);
                var ix = flat.ToArray<long>();
                for (int r = 0; r < ix.Length; r++)
                    if (ix[r] != pad) gw.Select(0, (int)ix[r]).Add_(g2.Select(0, r));
                return [gw];
            });
        }
        return y;
    }
}
