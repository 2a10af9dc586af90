namespace Tessera.IO;

/// <summary>
/// Element types of the safetensors format. The declaration order is the reference
/// implementation's "increasing alignment" order; the writer sorts tensors by it (descending).
/// </summary>
/// <remarks>
/// The on-disk spelling of each value (for example <c>"F8_E5M2"</c> for <see cref="F8E5M2"/>)
/// is given by <see cref="SafeTensorsDTypeInfo.GetName"/>.
/// </remarks>
public enum SafeTensorsDType
{
    /// <summary>Boolean stored as one byte (0 or 1). On disk: <c>BOOL</c>.</summary>
    Bool = 0,
    /// <summary>4-bit MX float (two per byte). On disk: <c>F4</c>.</summary>
    F4,
    /// <summary>6-bit MX float, E2M3. On disk: <c>F6_E2M3</c>.</summary>
    F6E2M3,
    /// <summary>6-bit MX float, E3M2. On disk: <c>F6_E3M2</c>.</summary>
    F6E3M2,
    /// <summary>Unsigned 8-bit integer. On disk: <c>U8</c>.</summary>
    U8,
    /// <summary>Signed 8-bit integer. On disk: <c>I8</c>.</summary>
    I8,
    /// <summary>8-bit float E5M2. On disk: <c>F8_E5M2</c>.</summary>
    F8E5M2,
    /// <summary>8-bit float E4M3. On disk: <c>F8_E4M3</c>.</summary>
    F8E4M3,
    /// <summary>8-bit MX scale E8M0. On disk: <c>F8_E8M0</c>.</summary>
    F8E8M0,
    /// <summary>8-bit float E4M3 (FNUZ). On disk: <c>F8_E4M3FNUZ</c>.</summary>
    F8E4M3Fnuz,
    /// <summary>8-bit float E5M2 (FNUZ). On disk: <c>F8_E5M2FNUZ</c>.</summary>
    F8E5M2Fnuz,
    /// <summary>Signed 16-bit integer. On disk: <c>I16</c>.</summary>
    I16,
    /// <summary>Unsigned 16-bit integer. On disk: <c>U16</c>.</summary>
    U16,
    /// <summary>IEEE 754 half precision. On disk: <c>F16</c>.</summary>
    F16,
    /// <summary>bfloat16. On disk: <c>BF16</c>.</summary>
    BF16,
    /// <summary>Signed 32-bit integer. On disk: <c>I32</c>.</summary>
    I32,
    /// <summary>Unsigned 32-bit integer. On disk: <c>U32</c>.</summary>
    U32,
    /// <summary>IEEE 754 single precision. On disk: <c>F32</c>.</summary>
    F32,
    /// <summary>Complex number made of two <see cref="F32"/> parts. On disk: <c>C64</c>.</summary>
    C64,
    /// <summary>IEEE 754 double precision. On disk: <c>F64</c>.</summary>
    F64,
    /// <summary>Signed 64-bit integer. On disk: <c>I64</c>.</summary>
    I64,
    /// <summary>Unsigned 64-bit integer. On disk: <c>U64</c>.</summary>
    U64,
}
