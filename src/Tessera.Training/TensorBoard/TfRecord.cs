using System.Buffers.Binary;

namespace Tessera.Training.TensorBoard;

/// <summary>
/// TFRecord framing, all little-endian: <c>u64 length, u32 masked_crc32c(length bytes), data, u32 masked_crc32c(data)</c>.
/// </summary>
internal static class TfRecord
{
    /// <summary>Bytes before the data: the length and its masked CRC.</summary>
    public const int HeaderLength = 12;

    /// <summary>Bytes after the data: its masked CRC.</summary>
    public const int FooterLength = 4;

    /// <summary>The whole record for <paramref name="data"/>, ready for a single write.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> data)
    {
        var record = new byte[HeaderLength + data.Length + FooterLength];
        var span = record.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Crc32C.Masked(span[..8]));
        data.CopyTo(span[HeaderLength..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(HeaderLength + data.Length)..], Crc32C.Masked(data));
        return record;
    }
}
