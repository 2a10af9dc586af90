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
        switch (src.DType.ElementSize())
        {
            case 1: StridedCopy.Copy(src.Storage.AsSpan<byte>(), src.Offset, src._strides, dst.Storage.AsSpan<byte>(), dst.Offset, dst._strides, dst._shape); break;
            case 4: StridedCopy.Copy(src.Storage.AsSpan<int>(), src.Offset, src._strides, dst.Storage.AsSpan<int>(), dst.Offset, dst._strides, dst._shape); break;
            case 8: StridedCopy.Copy(src.Storage.AsSpan<long>(), src.Offset, src._strides, dst.Storage.AsSpan<long>(), dst.Offset, dst._strides, dst._shape); break;
        }
    }

    /// <summary>Elements in row-major order as a new array. <typeparamref name="T"/> must match <see cref="DType"/> (bool for Bool).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
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
    public double[] ToDoubleArray()
    {
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
        int off = Offset;
        for (int i = 0; i < index.Length; i++)
        {
            int ix = index[i] < 0 ? index[i] + _shape[i] : index[i];
            if ((uint)ix >= (uint)_shape[i]) throw new IndexOutOfRangeException($"Index {index[i]} is out of range for dimension {i} of size {_shape[i]}.");
            off += ix * _strides[i];
        }
        return DType switch
        {
            DType.Float32 => Storage.AsSpan<float>()[off],
            DType.Float64 => Storage.AsSpan<double>()[off],
            DType.Int64 => Storage.AsSpan<long>()[off],
            DType.Int32 => Storage.AsSpan<int>()[off],
            _ => Storage.AsSpan<byte>()[off],
        };
    }

    /// <summary>A copy converted to <paramref name="dtype"/> (this tensor itself when already of that dtype). Differentiable between float types.</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var src = Contiguous();
        var result = Empty(dtype, _shape);
        int n = Numel;
        switch (src.DType, dtype)
        {
            case (DType.Float32, DType.Float64): { var s = src.Span<float>(); var d = result.Span<double>(); for (int i = 0; i < n; i++) d[i] = s[i]; break; }
            case (DType.Float64, DType.Float32): { var s = src.Span<double>(); var d = result.Span<float>(); for (int i = 0; i < n; i++) d[i] = (float)s[i]; break; }
            default:
                for (int i = 0; i < n; i++) result.SetFlatFrom(i, src, i);
                break;
        }
        if (dtype.IsFloatingPoint() && DType.IsFloatingPoint() && NeedsGrad(this))
        {
            DType from = DType;
            result.SetGradFn("ToBackward", [this], g => [g.To(from)]);
        }
        return result;
    }

    private void SetFlatFrom(int i, Tensor src, int j)
    {
        // Integer sources go through long so large int64 values are not rounded through double.
        if (src.DType is DType.Int64 or DType.Int32 or DType.Bool)
        {
            long v = src.DType switch { DType.Int64 => src.Span<long>()[j], DType.Int32 => src.Span<int>()[j], _ => src.Span<byte>()[j] };
            if (DType == DType.Bool) Span<byte>()[i] = v != 0 ? (byte)1 : (byte)0;
            else SetFlat(i, v);
            return;
        }
        double x = src.DType == DType.Float32 ? src.Span<float>()[j] : src.Span<double>()[j];
        if (DType == DType.Int64) Span<long>()[i] = (long)x;
        else if (DType == DType.Int32) Span<int>()[i] = (int)x;
        else SetFlat(i, x);
    }
}
