using System.Numerics;
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
        // Dense float32/float64 operands of one shape update in place; everything else goes through the out-of-place op.
        if (DType is (DType.Float32 or DType.Float64) && IsContiguous && other.IsContiguous && other.DType == DType && ShapeUtil.SameShape(other.Shape, Shape))
        {
            DTypeDispatch.Float(DType, new AddInPlaceOp(this, other, alpha), "add_");
            return this;
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
        if (DType is (DType.Float32 or DType.Float64) && IsContiguous)
        {
            DTypeDispatch.Float(DType, new ScaleInPlaceOp(this, scalar), "mul_");
            return this;
        }
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

    private readonly struct AddInPlaceOp(Tensor self, Tensor other, double alpha) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var y = self.Span<T>();
            if (alpha == 1) TensorPrimitives.Add(y, other.Span<T>(), y);
            else TensorPrimitives.MultiplyAdd(other.Span<T>(), T.CreateTruncating(alpha), y, y);
        }
    }

    private readonly struct ScaleInPlaceOp(Tensor self, double scalar) : IFloatOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var y = self.Span<T>();
            TensorPrimitives.Multiply(y, T.CreateTruncating(scalar), y);
        }
    }
}
