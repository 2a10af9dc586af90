using System.Numerics.Tensors;

namespace Tessera;

public partial class Tensor
{
    private void CheckInPlace(string op)
    {
        CheckWritable(op);
        if (GradMode.IsEnabled && _requiresGrad)
            throw new InvalidOperationException($"{op}: in-place update of a tensor that requires grad; wrap it in 'using (GradMode.NoGrad())' (as optimizers do) or use the out-of-place op.");
    }

    /// <summary>Copies <paramref name="src"/> (broadcast to this shape, converted to this dtype) into this tensor in place.</summary>
    public Tensor CopyFrom_(Tensor src)
    {
        CheckInPlace("CopyFrom_");
        var s = src.Detach().To(DType);
        if (!ShapeUtil.SameShape(s.Shape, Shape)) s = s.Expand(_shape);
        CopyRaw(s, this);
        return this;
    }

    /// <summary>this += alpha·other in place (other broadcasts to this shape).</summary>
    public Tensor Add_(Tensor other, double alpha = 1)
    {
        CheckInPlace("Add_");
        if (IsContiguous && other.IsContiguous && other.DType == DType && ShapeUtil.SameShape(other.Shape, Shape))
        {
            if (DType == DType.Float32)
            {
                if (alpha == 1) TensorPrimitives.Add(Span<float>(), other.Span<float>(), Span<float>());
                else TensorPrimitives.MultiplyAdd(other.Span<float>(), (float)alpha, Span<float>(), Span<float>());
                return this;
            }
            if (DType == DType.Float64)
            {
                if (alpha == 1) TensorPrimitives.Add(Span<double>(), other.Span<double>(), Span<double>());
                else TensorPrimitives.MultiplyAdd(other.Span<double>(), alpha, Span<double>(), Span<double>());
                return this;
            }
        }
        using (GradMode.NoGrad()) CopyRaw(Detach().Add(other.Detach(), alpha).To(DType).Expand(_shape), this);
        return this;
    }

    /// <summary>this −= alpha·other in place.</summary>
    public Tensor Sub_(Tensor other, double alpha = 1) => Add_(other, -alpha);

    /// <summary>this ·= scalar in place.</summary>
    public Tensor Mul_(double scalar)
    {
        CheckInPlace("Mul_");
        if (IsContiguous && DType == DType.Float32) { TensorPrimitives.Multiply(Span<float>(), (float)scalar, Span<float>()); return this; }
        if (IsContiguous && DType == DType.Float64) { TensorPrimitives.Multiply(Span<double>(), scalar, Span<double>()); return this; }
        using (GradMode.NoGrad()) CopyRaw(Detach().Mul(scalar).To(DType), this);
        return this;
    }

    /// <summary>this ·= other in place (other broadcasts to this shape).</summary>
    public Tensor Mul_(Tensor other)
    {
        CheckInPlace("Mul_");
        using (GradMode.NoGrad()) CopyRaw(Detach().Mul(other.Detach()).To(DType).Expand(_shape), this);
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/> in place.</summary>
    public Tensor Fill_(double value)
    {
        CheckInPlace("Fill_");
        if (IsContiguous) FillRaw(value);
        else CopyRaw(Full([], value, DType).Expand(_shape), this);
        return this;
    }

    /// <summary>Sets every element to zero in place.</summary>
    public Tensor Zero_() => Fill_(0);
}
