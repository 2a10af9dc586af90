using System.Numerics;
namespace Tessera;

public partial class Tensor
{
    private Tensor LongIndex(string op)
    {
        if (DType is DType.Int64) return Contiguous();
        if (DType is DType.Int32) return To(DType.Int64);
        throw new ArgumentException($"{op} needs an integer index tensor, got {DType.Name()}.");
    }

    /// <summary>
    /// out[i][j][k] = this[i][index[i][j][k]][k] for dim = 1 (PyTorch's <c>gather</c>); <paramref name="index"/>
    /// has the same rank and is no larger than this tensor outside <paramref name="dim"/>.
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        var idx = index.LongIndex("Gather");
        CheckScatterShapes("Gather", d, idx, null);
        var y = Empty(DType, idx._shape);
        var iv = idx.Span<long>();
        int size = _shape[d];
        int[] offsets = ScatterOffsets(this, d, idx._shape);
        for (int p = 0; p < iv.Length; p++)
        {
            long j = iv[p];
            if (j < 0) j += size;
            if ((ulong)j >= (ulong)size) throw new IndexOutOfRangeException($"Gather index {iv[p]} is out of range for dimension {d} of size {size}.");
            CopyElement(this, (int)(offsets[p] + j * _strides[d]), y, p);   // inside a storage of < 2^31 elements (SpanOffset checked)
        }
        if (NeedsGrad(this))
        {
            int[] shape = _shape;
            y.SetGradFn("GatherBackward", [this], g => [Zeros(shape, g.DType).ScatterAdd(d, idx, g)]);
        }
        return y;
    }

    /// <summary>
    /// A copy of this tensor with src added at positions given by <paramref name="index"/> along
    /// <paramref name="dim"/>: out[i][index[i][j][k]][k] += src[i][j][k] for dim = 1. Accumulation is in index order, so deterministic.
    /// </summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        var idx = index.LongIndex("ScatterAdd");
        if (DType is not (DType.Float32 or DType.Float64)) throw DTypeDispatch.Unsupported("scatter_add", DType);
        CheckScatterShapes("ScatterAdd", d, idx, src);
        var y = Detach().Clone();
        var s = src.Detach().To(DType).Contiguous();
        DTypeDispatch.Float(DType, new ScatterAddOp(y, s, idx, d), "scatter_add");
        if (NeedsGrad(this, src))
        {
            Tensor self = this;
            y.SetGradFn("ScatterAddBackward", [self, src], g => [
                self.RequiresGrad ? g : null,
                src.RequiresGrad ? g.Gather(d, idx) : null]);
        }
        return y;
    }

    private void CheckScatterShapes(string op, int d, Tensor idx, Tensor? src)
    {
        if (idx.Rank != Rank) throw new ArgumentException($"{op}: index has rank {idx.Rank} but the tensor has rank {Rank}.");
        for (int k = 0; k < Rank; k++)
        {
            if (k != d && idx._shape[k] > _shape[k])
                throw new ArgumentException($"{op}: index shape {ShapeUtil.Format(idx.Shape)} exceeds the tensor's shape {ShapeUtil.Format(Shape)} at dimension {k}.");
            if (src is not null && idx._shape[k] > src._shape[k])
                throw new ArgumentException($"{op}: index shape {ShapeUtil.Format(idx.Shape)} exceeds src shape {ShapeUtil.Format(src.Shape)} at dimension {k}.");
        }
    }

    /// <summary>Storage offsets (relative to the view's offset, plus it) of every position of <paramref name="shape"/>, skipping <paramref name="skipDim"/>.</summary>
    private static int[] ScatterOffsets(Tensor t, int skipDim, int[] shape)
    {
        int n = ShapeUtil.NumelInt(shape, "scatter/gather index");
        var result = new int[n];
        var counter = new int[shape.Length];
        int baseOffset = skipDim >= 0 ? t.SpanOffset : 0;
        for (int p = 0; p < n; p++)
        {
            int off = baseOffset;
            for (int k = 0; k < shape.Length; k++)
                if (k != skipDim) off += (int)(counter[k] * t._strides[k]);   // callers index storages of < 2^31 elements
            result[p] = off;
            for (int k = shape.Length - 1; k >= 0; k--)
            {
                if (++counter[k] < shape[k]) break;
                counter[k] = 0;
            }
        }
        return result;
    }

    private static void CopyElement(Tensor src, int srcOffset, Tensor dst, int dstIndex) =>
        DTypeDispatch.Raw(src.DType, new CopyElementOp(src, srcOffset, dst, dstIndex), "copy");

    private readonly struct CopyElementOp(Tensor src, int srcOffset, Tensor dst, int dstIndex) : IRawOp
    {
        public void Run<T>() where T : unmanaged => dst.Storage.AsSpan<T>()[dst.SpanOffset + dstIndex] = src.Storage.AsSpan<T>()[srcOffset];
    }

    // Adds in index order, so the result is deterministic.
    private readonly struct ScatterAddOp(Tensor y, Tensor s, Tensor idx, int d) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var iv = idx.Span<long>();
            int size = y._shape[d];
            int[] offsets = ScatterOffsets(y, d, idx._shape);
            int[] srcOffsets = ScatterOffsets(s, -1, idx._shape);
            var ys = y.Storage.AsSpan<T>();
            var ss = s.Storage.AsSpan<T>();
            for (int p = 0; p < iv.Length; p++)
            {
                long j = iv[p];
                if (j < 0) j += size;
                if ((ulong)j >= (ulong)size) throw new IndexOutOfRangeException($"ScatterAdd index {iv[p]} is out of range for dimension {d} of size {size}.");
                ys[(int)(offsets[p] + j * y._strides[d])] += ss[s.SpanOffset + srcOffsets[p]];
            }
        }
    }

    /// <summary>Rows (slices along <paramref name="dim"/>) picked by a 1-D integer <paramref name="index"/>.</summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        var idx = index.LongIndex("IndexSelect");
        if (idx.Rank > 1) throw new ArgumentException($"IndexSelect needs a 1-D index, got shape {ShapeUtil.Format(index.Shape)}.");
        var iv = idx.Span<long>();
        var outShape = _shape.AsSpan().ToArray();
        outShape[d] = iv.Length;
        var y = Empty(DType, outShape);
        int size = _shape[d];
        for (int p = 0; p < iv.Length; p++)
        {
            long j = iv[p] < 0 ? iv[p] + size : iv[p];
            if ((ulong)j >= (ulong)size) throw new IndexOutOfRangeException($"IndexSelect index {iv[p]} is out of range for dimension {d} of size {size}.");
            CopyRaw(Detach().Select(d, (int)j), y.Select(d, p));
        }
        if (NeedsGrad(this))
        {
            int[] shape = _shape;
            y.SetGradFn("IndexSelectBackward", [this], g =>
            {
                var gi = Zeros(shape, g.DType);
                var ivs = idx.Span<long>();
                for (int p = 0; p < ivs.Length; p++)
                {
                    long j = ivs[p] < 0 ? ivs[p] + size : ivs[p];
                    gi.Select(d, (int)j).Add_(g.Select(d, p));
                }
                return [gi];
            });
        }
        return y;
    }

    /// <summary>Concatenates tensors of equal shape (except along <paramref name="dim"/>) along <paramref name="dim"/>.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Cat needs at least one tensor.");
        var first = tensors[0];
        int d = ShapeUtil.NormalizeDim(dim, first.Rank);
        DType dt = first.DType;
        int total = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            dt = DTypeInfo.Promote(dt, t.DType);
            if (t.Rank != first.Rank) throw new ArgumentException($"Cat: tensor {i} has rank {t.Rank}, tensor 0 has rank {first.Rank}.");
            for (int k = 0; k < first.Rank; k++)
                if (k != d && t._shape[k] != first._shape[k])
                    throw new ArgumentException($"Cat: tensor {i} has shape {ShapeUtil.Format(t.Shape)}, incompatible with {ShapeUtil.Format(first.Shape)} outside dimension {d}.");
            total += t._shape[d];
        }
        var shape = first._shape.AsSpan().ToArray();
        shape[d] = total;
        var y = Empty(dt, shape);
        int at = 0;
        var sizes = new int[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            sizes[i] = t._shape[d];
            CopyRaw(t.Detach().To(dt), y.Narrow(d, at, sizes[i]));
            at += sizes[i];
        }
        if (NeedsGrad(tensors))
        {
            var inputs = tensors.ToArray();
            y.SetGradFn("CatBackward", inputs, g =>
            {
                var grads = new Tensor?[inputs.Length];
                int s = 0;
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (inputs[i].RequiresGrad) grads[i] = g.Narrow(d, s, sizes[i]).Contiguous().To(inputs[i].DType);
                    s += sizes[i];
                }
                return grads;
            });
        }
        return y;
    }

    /// <summary>Stacks tensors of identical shape along a new dim <paramref name="dim"/>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Stack needs at least one tensor.");
        for (int i = 1; i < tensors.Count; i++)
            if (!ShapeUtil.SameShape(tensors[i].Shape, tensors[0].Shape))
                throw new ArgumentException($"Stack: tensor {i} has shape {ShapeUtil.Format(tensors[i].Shape)}, tensor 0 has {ShapeUtil.Format(tensors[0].Shape)}.");
        int d = ShapeUtil.NormalizeDim(dim, tensors[0].Rank + 1);
        return Cat(tensors.Select(t => t.Unsqueeze(d)).ToArray(), d);
    }

    /// <summary>Views of consecutive pieces of <paramref name="splitSize"/> along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        if (splitSize <= 0) throw new ArgumentOutOfRangeException(nameof(splitSize), splitSize, "Split size must be positive.");
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        var sizes = new List<int>();
        for (int s = 0; s < _shape[d]; s += splitSize) sizes.Add(Math.Min(splitSize, _shape[d] - s));
        if (sizes.Count == 0) sizes.Add(0);
        return Split(sizes.ToArray(), d);
    }

    /// <summary>Views of pieces with the given sizes (which must sum to the dim's size) along <paramref name="dim"/>.</summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        if (sizes.Sum() != _shape[d])
            throw new ArgumentException($"Split sizes [{string.Join(", ", sizes)}] sum to {sizes.Sum()}, but dimension {d} has size {_shape[d]}.");
        var result = new Tensor[sizes.Length];
        int at = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            result[i] = Narrow(d, at, sizes[i]);
            at += sizes[i];
        }
        return result;
    }

    /// <summary>Splits into <paramref name="chunks"/> pieces of ceil(size/chunks) along <paramref name="dim"/> (as PyTorch's <c>chunk</c>).</summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (chunks <= 0) throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "Chunk count must be positive.");
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        int size = (_shape[d] + chunks - 1) / chunks;
        return Split(Math.Max(size, 1), d);
    }
}
