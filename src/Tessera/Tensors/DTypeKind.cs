namespace Tessera;

/// <summary>The family of a <see cref="DType"/>, which decides type promotion.</summary>
public enum DTypeKind
{
    /// <summary>True/false.</summary>
    Bool,
    /// <summary>Unsigned integers.</summary>
    UnsignedInteger,
    /// <summary>Signed integers.</summary>
    SignedInteger,
    /// <summary>Floating point.</summary>
    Float,
}
