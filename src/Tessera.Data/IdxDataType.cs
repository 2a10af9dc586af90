namespace Tessera.Data;

/// <summary>Element type codes of the IDX format (third byte of the magic number).</summary>
public enum IdxDataType : byte
{
    /// <summary>Unsigned byte (0x08), read as <c>byte[]</c>.</summary>
    UByte = 0x08,
    /// <summary>Signed byte (0x09), read as <c>sbyte[]</c>.</summary>
    SByte = 0x09,
    /// <summary>Big-endian 16-bit integer (0x0B), read as <c>short[]</c>.</summary>
    Int16 = 0x0B,
    /// <summary>Big-endian 32-bit integer (0x0C), read as <c>int[]</c>.</summary>
    Int32 = 0x0C,
    /// <summary>Big-endian IEEE single (0x0D), read as <c>float[]</c>.</summary>
    Float32 = 0x0D,
    /// <summary>Big-endian IEEE double (0x0E), read as <c>double[]</c>.</summary>
    Float64 = 0x0E,
}
