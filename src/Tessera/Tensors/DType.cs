namespace Tessera;

/// <summary>Element types a <see cref="Tensor"/> can hold.</summary>
public enum DType
{
    /// <summary>Boolean masks, one byte per element (0 or 1).</summary>
    Bool,
    /// <summary>32-bit signed integers.</summary>
    Int32,
    /// <summary>64-bit signed integers: indices and labels.</summary>
    Int64,
    /// <summary>IEEE single precision: the workhorse.</summary>
    Float32,
    /// <summary>IEEE double precision: gradient checks and references.</summary>
    Float64,
}
