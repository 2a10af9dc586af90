using System.Numerics;
using Tessera.Kernels.Convert;

namespace Tessera;

public partial class Tensor
{
    /// <summary>This tensor if already contiguous, otherwise a contiguous copy (differentiable).</summary>
    public Tensor Contiguous() => IsContiguous ? this : Clone();

    /// <summary>A contiguous copy with its own storage (differentiable: gradient flows back unchanged).</summary>
    public Tensor Clone()
    {
        var result = EmptyLike();
        CopyRaw(this, result);
        if (NeedsGrad(this)) result.SetGradFn("CloneBackward", [this], g => [g]);
        return result;
    }

    /// <summary>Copies <paramref name="src"/> (same dtype, same shape) into <paramref name="dst"/>, any strides.</summary>
    internal static void CopyRaw(Tensor src, Tensor dst)
    {
        if (src.DType != dst.DType) throw new InvalidOperationException($"CopyRaw dtype mismatch {src.DType} vs {dst.DType}.");
        DTypeDispatch.Raw(src.DType, new CopyRawOp(src, dst), "copy");
    }

    private readonly struct CopyRawOp(Tensor src, Tensor dst) : IRawOp
    {
        public void Run<T>() where T : unmanaged
        {
            if (src.IsContiguous && dst.IsContiguous)
            {
                // Dense to dense, any size: chunk by chunk (a strided walk needs the whole storage as one span).
                // T is the raw element of the dtype's size (ushort for bfloat16), hence no Chunks<T>() type check.
                if (src.Numel <= ChunkElements)
                    src.Storage.Slice<T>(src.Offset, (int)src.Numel).CopyTo(dst.Storage.Slice<T>(dst.Offset, (int)src.Numel));
                else CopyChunked<T>(src, dst);
                return;
            }
            unsafe
            {
                StridedCopy.Copy((T*)src.Storage.Pointer + src.Offset, src._strides, (T*)dst.Storage.Pointer + dst.Offset, dst._strides, dst._shape);
            }
            // The pointers come from the storages: keep their owners alive until the copy is done.
            GC.KeepAlive(src);
            GC.KeepAlive(dst);
        }
    }

    // Separate from the callers so the closures are only allocated for tensors beyond one chunk.
    private static void CopyChunked<T>(Tensor src, Tensor dst) where T : unmanaged =>
        src.ForEachChunk((start, n) => src.Storage.Slice<T>(src.Offset + start, n).CopyTo(dst.Storage.Slice<T>(dst.Offset + start, n)));

    private static void ConvertChunked(Tensor src, Tensor dst) =>
        src.ForEachChunk((start, n) => Convert(src.FlatView(start, n), dst.FlatView(start, n)));

    /// <summary>Elements in row-major order as a new array. <typeparamref name="T"/> must match <see cref="DType"/> (bool for Bool).</summary>
    /// <exception cref="InvalidOperationException">When the tensor has more elements than an array can hold.</exception>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (IsHuge) ThrowTooLargeForSpan();   // before Contiguous() copies gigabytes for nothing
        if (typeof(T) == typeof(bool))
        {
            if (DType != DType.Bool) throw new InvalidOperationException($"Tensor has dtype {DType.Name()}, not bool.");
            var bytes = Contiguous().Span<byte>();
            var result = new bool[bytes.Length];
            for (int i = 0; i < bytes.Length; i++) result[i] = bytes[i] != 0;
            return (T[])(object)result;
        }
        return Contiguous().Span<T>().ToArray();
    }

    /// <summary>Elements converted to double in row-major order (any dtype).</summary>
    /// <exception cref="InvalidOperationException">When the tensor has more elements than an array can hold.</exception>
    public double[] ToDoubleArray()
    {
        if (IsHuge) ThrowTooLargeForSpan();
        var c = To(DType.Float64).Contiguous();
        return c.Span<double>().ToArray();
    }

    /// <summary>The value of a one-element tensor.</summary>
    /// <exception cref="InvalidOperationException">When the tensor has more than one element.</exception>
    public T Item<T>() where T : unmanaged
    {
        if (Numel != 1) throw new InvalidOperationException($"Item() needs a tensor with one element, this one has shape {ShapeUtil.Format(Shape)}.");
        return ToArray<T>()[0];
    }

    /// <summary>The value of a one-element tensor as double, whatever its dtype.</summary>
    public double ItemAsDouble()
    {
        if (Numel != 1) throw new InvalidOperationException($"Item() needs a tensor with one element, this one has shape {ShapeUtil.Format(Shape)}.");
        return ToDoubleArray()[0];
    }

    /// <summary>The element at <paramref name="index"/> converted to double (for inspection, not speed).</summary>
    public double GetAsDouble(params int[] index)
    {
        if (index.Length != Rank) throw new ArgumentException($"Index has {index.Length} entries but the tensor has rank {Rank}.");
        long off = Offset;
        for (int i = 0; i < index.Length; i++)
        {
            int ix = index[i] < 0 ? index[i] + _shape[i] : index[i];
            if ((uint)ix >= (uint)_shape[i]) throw new IndexOutOfRangeException($"Index {index[i]} is out of range for dimension {i} of size {_shape[i]}.");
            off += ix * _strides[i];
        }
        int size = DType.ElementSize();
        return ScalarIO.Read(DType, Storage.Slice<byte>(off * size, size), 0);
    }

    /// <summary>
    /// A copy converted to <paramref name="dtype"/> (this tensor itself when already of that dtype). Differentiable between
    /// float types. Float to 16-bit float rounds to nearest, ties to even (NaN and infinities kept); float to integer
    /// truncates toward zero and saturates; integer to a narrower integer wraps (two's complement, as PyTorch); anything
    /// to bool tests for non-zero.
    /// </summary>
    public Tensor To(DType dtype)
    {
        dtype.Traits();   // names an undefined value before any work
        if (dtype == DType) return this;
        var src = Contiguous();
        var result = Empty(dtype, _shape);
        if (src.Numel <= ChunkElements) Convert(src, result);
        else
        {
            // Elementwise, so chunking changes no value; it bounds the float32 temporary of 16-bit conversions and
            // lets tensors of more than 2^31 elements convert.
            ConvertChunked(src, result);
        }
        if (dtype.IsFloatingPoint() && DType.IsFloatingPoint() && NeedsGrad(this))
        {
            DType from = DType;
            result.SetGradFn("ToBackward", [this], g => [g.To(from)]);
        }
        return result;
    }

    /// <summary>Converts the contiguous <paramref name="src"/> into the contiguous <paramref name="dst"/> of the same shape.</summary>
    private static void Convert(Tensor src, Tensor dst)
    {
        switch (src.DType, dst.DType)
        {
            case (DType.Float32, DType.BFloat16): HalfConvert.FloatToBFloat16(src.Span<float>(), dst.RawSpan<ushort>()); return;
            case (DType.BFloat16, DType.Float32): HalfConvert.BFloat16ToFloat(src.RawSpan<ushort>(), dst.Span<float>()); return;
            case (DType.Float32, DType.Float16): HalfConvert.FloatToHalf(src.Span<float>(), dst.Span<Half>()); return;
            case (DType.Float16, DType.Float32): HalfConvert.HalfToFloat(src.Span<Half>(), dst.Span<float>()); return;
        }
        // 16-bit floats have no CLR arithmetic of ours: go through float32, which holds both exactly.
        if (src.DType.IsReducedPrecision() || dst.DType.IsReducedPrecision())
        {
            var mid = Empty(DType.Float32, src._shape);
            Convert(src, mid);
            Convert(mid, dst);
            mid.Storage.Release();
            return;
        }
        DTypeDispatch.Number(src.DType, new ConvertFrom(src, dst), "to");
    }

    private readonly struct ConvertFrom(Tensor src, Tensor dst) : INumberOp
    {
        public void Run<TS>() where TS : unmanaged, INumber<TS> => DTypeDispatch.Number(dst.DType, new ConvertTo<TS>(src, dst), "to");
    }

    private readonly struct ConvertTo<TS>(Tensor src, Tensor dst) : INumberOp where TS : unmanaged, INumber<TS>
    {
        public void Run<TD>() where TD : unmanaged, INumber<TD>
        {
            ReadOnlySpan<TS> s = src.Span<TS>();
            Span<TD> d = dst.Span<TD>();
            if (dst.DType == DType.Bool)
                for (int i = 0; i < s.Length; i++) d[i] = s[i] != TS.Zero ? TD.One : TD.Zero;
            else if (src.DType.IsFloatingPoint())
                for (int i = 0; i < s.Length; i++) d[i] = TD.CreateSaturating(s[i]);
            else
                for (int i = 0; i < s.Length; i++) d[i] = TD.CreateTruncating(s[i]);   // integers wrap, as C and PyTorch do
        }
    }
}
