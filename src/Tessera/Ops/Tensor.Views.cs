namespace Tessera;

public partial class Tensor
{
    private Tensor ViewOf(int[] shape, long[] strides, long offset) => new(Storage, DType, shape, strides, offset);

    /// <summary>
    /// The same elements with a new shape (one entry may be -1). A view when the strides allow it,
    /// otherwise a contiguous copy (PyTorch's <c>reshape</c>).
    /// </summary>
    public Tensor Reshape(params int[] shape)
    {
        int[] target = ShapeUtil.InferShape(shape, Numel);
        long[]? strides = ViewStrides(target);
        Tensor result = strides is not null ? ViewOf(target, strides, Offset) : Clone().Detach().ViewOf(target, ShapeUtil.ContiguousStrides(target), 0);
        if (NeedsGrad(this))
        {
            int[] original = _shape;
            result.SetGradFn("ReshapeBackward", [this], g => [g.Reshape(original)]);
        }
        return result;
    }

    /// <summary>A view with a new shape; throws when the strides do not allow a view (PyTorch's <c>view</c>).</summary>
    public Tensor View(params int[] shape)
    {
        int[] target = ShapeUtil.InferShape(shape, Numel);
        if (ViewStrides(target) is null)
            throw new InvalidOperationException($"View of shape {ShapeUtil.Format(target)} is not compatible with the strides of a tensor of shape {ShapeUtil.Format(Shape)}; use Reshape() or Contiguous() first.");
        return Reshape(target);
    }

    /// <summary>Strides for viewing this tensor with <paramref name="target"/> shape, or null if a copy is needed.</summary>
    private long[]? ViewStrides(int[] target)
    {
        if (IsContiguous) return ShapeUtil.ContiguousStrides(target);
        // Group source dims into contiguous chunks and split each chunk across the target dims it covers.
        var result = new long[target.Length];
        int ti = target.Length - 1;
        int si = Rank - 1;
        while (si >= 0 || ti >= 0)
        {
            if (si >= 0 && _shape[si] == 1) { si--; continue; }
            if (ti >= 0 && target[ti] == 1) { result[ti] = 1; ti--; continue; }
            if (si < 0 || ti < 0) return null;
            // A chunk of source dims [chunkStart..si] that are mutually contiguous.
            long chunkSize = _shape[si];
            long innerStride = _strides[si];
            long next = _strides[si] * _shape[si];
            int sj = si;
            while (sj > 0)
            {
                int p = sj - 1;
                if (_shape[p] == 1) { sj--; continue; }   // size-1 dims have meaningless strides
                if (_strides[p] != next) break;
                sj--;
                chunkSize *= _shape[p];
                next = _strides[p] * _shape[p];
            }
            long covered = 1;
            long stride = innerStride;
            while (ti >= 0 && covered < chunkSize)
            {
                result[ti] = stride;
                covered *= target[ti];
                stride *= target[ti];
                ti--;
            }
            if (covered != chunkSize) return null;
            si = sj - 1;
        }
        return result;
    }

    /// <summary>Flattens dims <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = ShapeUtil.NormalizeDim(startDim, Rank), e = ShapeUtil.NormalizeDim(endDim, Rank);
        if (s > e) throw new ArgumentException($"Flatten start dim {startDim} comes after end dim {endDim}.");
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(_shape[i]);
        long merged = 1;
        for (int i = s; i <= e; i++) merged *= _shape[i];
        if (merged > int.MaxValue)
            throw new ArgumentException($"Flatten({startDim}, {endDim}) of shape {ShapeUtil.Format(Shape)} would make a dimension of {merged} elements, more than {int.MaxValue}.");
        shape.Add((int)merged);
        for (int i = e + 1; i < Rank; i++) shape.Add(_shape[i]);
        return Reshape(shape.ToArray());
    }

    /// <summary>A view with dimensions reordered: result dim i is this tensor's dim <c>dims[i]</c>.</summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Rank) throw new ArgumentException($"Permute got {dims.Length} dims for a tensor of rank {Rank}.");
        var norm = new int[Rank];
        var seen = new bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            norm[i] = ShapeUtil.NormalizeDim(dims[i], Rank);
            if (seen[norm[i]]) throw new ArgumentException($"Permute dims [{string.Join(", ", dims)}] repeat dimension {norm[i]}.");
            seen[norm[i]] = true;
        }
        var shape = new int[Rank];
        var strides = new long[Rank];
        for (int i = 0; i < Rank; i++) { shape[i] = _shape[norm[i]]; strides[i] = _strides[norm[i]]; }
        var result = ViewOf(shape, strides, Offset);
        if (NeedsGrad(this))
        {
            var inverse = new int[Rank];
            for (int i = 0; i < Rank; i++) inverse[norm[i]] = i;
            result.SetGradFn("PermuteBackward", [this], g => [g.Permute(inverse)]);
        }
        return result;
    }

    /// <summary>A view with dims <paramref name="dim0"/> and <paramref name="dim1"/> swapped.</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        if (Rank < 2 && dim0 is 0 or -1 && dim1 is 0 or -1) return this;
        var perm = new int[Rank];
        for (int i = 0; i < Rank; i++) perm[i] = i;
        int a = ShapeUtil.NormalizeDim(dim0, Rank), b = ShapeUtil.NormalizeDim(dim1, Rank);
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
    }

    /// <summary>Transpose of a matrix (rank ≤ 2), PyTorch's <c>.T</c> / <c>.t()</c>.</summary>
    public Tensor T
    {
        get
        {
            if (Rank > 2) throw new InvalidOperationException($"T expects a tensor of rank <= 2, got rank {Rank}; use Transpose(d0, d1) or Permute.");
            return Rank < 2 ? this : Transpose(0, 1);
        }
    }

    /// <summary>A view of <paramref name="length"/> elements of <paramref name="dim"/> starting at <paramref name="start"/>.</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        if (start < 0) start += _shape[d];
        if (start < 0 || length < 0 || start + length > _shape[d])
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow [{start}, {start + length}) is out of range for dimension {d} of size {_shape[d]}.");
        return Slice(d, start, start + length, 1);
    }

    /// <summary>A view of indices start, start+step, ... below end along <paramref name="dim"/> (Python's <c>x[start:end:step]</c>; negative bounds count from the end and are clamped).</summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Slice step must be positive.");
        int size = _shape[d];
        if (start < 0) start += size;
        if (end < 0) end += size;
        start = Math.Clamp(start, 0, size);
        end = Math.Clamp(end, start, size);
        int len = (end - start + step - 1) / step;
        var shape = _shape.AsSpan().ToArray();
        var strides = _strides.AsSpan().ToArray();
        shape[d] = len;
        // With two or more elements step < size, so the product stays below the storage size; a dim of size 0 or 1 never steps.
        if (len > 1) strides[d] = _strides[d] * step;
        var result = ViewOf(shape, strides, Offset + start * _strides[d]);
        if (NeedsGrad(this))
        {
            int[] full = _shape;
            int s0 = start;
            result.SetGradFn("SliceBackward", [this], g =>
            {
                var gi = Zeros(full, g.DType);
                gi.Slice(d, s0, s0 + (len - 1) * step + 1, step).CopyFrom_(g);
                return [gi];
            });
        }
        return result;
    }

    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, with that dim removed.</summary>
    public Tensor Select(int dim, int index)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        int size = _shape[d];
        int i = index < 0 ? index + size : index;
        if ((uint)i >= (uint)size) throw new IndexOutOfRangeException($"Index {index} is out of range for dimension {d} of size {size}.");
        var shape = new int[Rank - 1];
        var strides = new long[Rank - 1];
        for (int k = 0, j = 0; k < Rank; k++)
        {
            if (k == d) continue;
            shape[j] = _shape[k];
            strides[j++] = _strides[k];
        }
        var result = ViewOf(shape, strides, Offset + i * _strides[d]);
        if (NeedsGrad(this))
        {
            int[] full = _shape;
            result.SetGradFn("SelectBackward", [this], g =>
            {
                var gi = Zeros(full, g.DType);
                gi.Select(d, i).CopyFrom_(g);
                return [gi];
            });
        }
        return result;
    }

    /// <summary>The sub-tensor at <paramref name="index"/> along dim 0 (PyTorch's <c>x[i]</c>).</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[int index] => Select(0, index);

    /// <summary>Removes all size-1 dims, or only <paramref name="dim"/> when given and of size 1.</summary>
    public Tensor Squeeze(int? dim = null)
    {
        var keep = new List<int>();
        int? d = dim is { } dd ? ShapeUtil.NormalizeDim(dd, Rank) : null;
        for (int i = 0; i < Rank; i++)
            if (_shape[i] != 1 || (d is { } only && only != i)) keep.Add(i);
        return SqueezeTo(keep);
    }

    private Tensor SqueezeTo(List<int> keep)
    {
        var shape = new int[keep.Count];
        var strides = new long[keep.Count];
        for (int i = 0; i < keep.Count; i++) { shape[i] = _shape[keep[i]]; strides[i] = _strides[keep[i]]; }
        var result = ViewOf(shape, strides, Offset);
        if (NeedsGrad(this))
        {
            int[] original = _shape;
            result.SetGradFn("SqueezeBackward", [this], g => [g.Reshape(original)]);
        }
        return result;
    }

    /// <summary>Inserts a size-1 dim at <paramref name="dim"/> (in [-rank-1, rank]).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank + 1);
        var shape = new List<int>(_shape);
        var strides = new List<long>(_strides);
        long stride = d < Rank ? _strides[d] * _shape[d] : 1;
        shape.Insert(d, 1);
        strides.Insert(d, stride);
        var result = ViewOf(shape.ToArray(), strides.ToArray(), Offset);
        if (NeedsGrad(this)) result.SetGradFn("UnsqueezeBackward", [this], g => [g.Squeeze(d)]);
        return result;
    }

    /// <summary>A broadcast view of this tensor with <paramref name="shape"/> (-1 keeps a size). No copy.</summary>
    public Tensor Expand(params int[] shape)
    {
        var target = shape.AsSpan().ToArray();
        int lead = target.Length - Rank;
        if (lead < 0) throw new ArgumentException($"Expand target {ShapeUtil.Format(shape)} has fewer dims than the tensor's shape {ShapeUtil.Format(Shape)}.");
        for (int i = 0; i < target.Length; i++)
            if (target[i] == -1)
            {
                if (i < lead) throw new ArgumentException($"Expand target {ShapeUtil.Format(shape)} uses -1 for a new leading dim.");
                target[i] = _shape[i - lead];
            }
        long[] strides = ShapeUtil.BroadcastStrides(_shape, _strides, target);
        var result = ViewOf(target, strides, Offset);
        if (NeedsGrad(this))
        {
            int[] original = _shape;
            result.SetGradFn("ExpandBackward", [this], g => [g.SumToShape(original)]);
        }
        return result;
    }

    /// <summary>Expands to the shape of <paramref name="other"/>.</summary>
    public Tensor ExpandAs(Tensor other) => Expand(other._shape);
}
