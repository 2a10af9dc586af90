using System.Buffers.Binary;
using System.Numerics;

namespace Tessera.Training.TensorBoard;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init and final XOR 0xFFFFFFFF) and the TFRecord mask.
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> is the raw update step (SSE4.2 / ARMv8 CRC where present, a table
/// otherwise); the inversions around it are ours.
/// </summary>
internal static class Crc32C
{
    private const uint MaskDelta = 0xA282EAD8u;

    /// <summary>crc32c of <paramref name="data"/>; crc32c("123456789") = 0xE3069283.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>The TFRecord mask: rotate right by 15 and add a constant, so a CRC stored next to its data is not itself a valid CRC of it.</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;

    /// <summary>Inverse of <see cref="Mask"/>.</summary>
    public static uint Unmask(uint masked)
    {
        uint rot = masked - MaskDelta;
        return (rot >> 17) | (rot << 15);
    }

    /// <summary><see cref="Mask"/>(<see cref="Compute"/>(<paramref name="data"/>)).</summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));
}
