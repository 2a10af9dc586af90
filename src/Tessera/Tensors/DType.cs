namespace Tessera;

/// <summary>Element types a <see cref="Tensor"/> can hold. Facts about each live in one table, <see cref="DTypeInfo"/>.</summary>
/// <remarks>
/// The numeric values are not a promotion order and are never written to files (files use the names in
/// <see cref="DTypeInfo"/>); promotion follows the table in <see cref="DTypeInfo.Promote"/>.
/// </remarks>
public enum DType
{
    /// <summary>Boolean masks, one byte per element (0 or 1).</summary>
    Bool,
    /// <summary>Unsigned 8-bit integers (images, quantized weights).</summary>
    UInt8,
    /// <summary>Signed 8-bit integers (quantized weights).</summary>
    Int8,
    /// <summary>Signed 16-bit integers.</summary>
    Int16,
    /// <summary>32-bit signed integers.</summary>
    Int32,
    /// <summary>64-bit signed integers: indices and labels.</summary>
    Int64,
    /// <summary>IEEE 754 half precision (1-5-10). A storage type: ops compute in float32.</summary>
    Float16,
    /// <summary>bfloat16 (1-8-7, float32's range). A storage type: ops compute in float32.</summary>
    BFloat16,
    /// <summary>IEEE single precision: the workhorse.</summary>
    Float32,
    /// <summary>IEEE double precision: gradient checks and references.</summary>
    Float64,
}
