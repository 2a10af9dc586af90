using Tessera.IO;

namespace Tessera;

/// <summary>Everything Tessera knows about one <see cref="DType"/>: one row of <see cref="DTypeInfo"/>'s table.</summary>
/// <param name="DType">The dtype this row describes.</param>
/// <param name="Size">Bytes per element.</param>
/// <param name="Kind">Bool, unsigned, signed or float.</param>
/// <param name="Name">Short name as PyTorch prints it after <c>torch.</c>, e.g. <c>bfloat16</c>.</param>
/// <param name="SafeTensors">The safetensors header code (<c>BF16</c>, <c>F32</c>, ...).</param>
/// <param name="TorchName">The PyTorch dtype, e.g. <c>torch.bfloat16</c>.</param>
public sealed record DTypeTraits(DType DType, int Size, DTypeKind Kind, string Name, SafeTensorsDType SafeTensors, string TorchName)
{
    /// <summary>True for the floating-point dtypes (float16, bfloat16, float32, float64).</summary>
    public bool IsFloatingPoint => Kind == DTypeKind.Float;

    /// <summary>True for float16 and bfloat16: stored in 2 bytes, computed in float32.</summary>
    public bool IsReducedPrecision => Kind == DTypeKind.Float && Size == 2;
}
