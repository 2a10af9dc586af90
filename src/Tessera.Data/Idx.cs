using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Tessera.Data;

/// <summary>
/// Reads and writes IDX files (the MNIST format): magic <c>00 00 type ndims</c>, <c>ndims</c> big-endian
/// 32-bit sizes, then the elements big-endian in row-major order. Files may be gzip-compressed
/// (detected by the magic bytes 1F 8B, not by the name).
/// </summary>
/// <remarks>
/// Reading is strict: anything that does not add up raises <see cref="IdxFormatException"/>. Memory is
/// allocated only after the header's size is checked against the file: exactly the remaining length for
/// raw files, and at most the deflate expansion limit of the compressed length for gzip files.
/// </remarks>
public static class Idx
{
    // Deflate cannot expand beyond ~1032:1 (a 258-byte match costs at least 2 bits); anything claiming
    // more than that is a lie in the header, and must not make us allocate.
    private const long MaxDeflateRatio = 1032;

    /// <summary>Reads a raw or gzipped IDX file.</summary>
    /// <exception cref="FileNotFoundException">When <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IdxFormatException">When the file is not a well-formed IDX file.</exception>
    public static IdxData Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long fileLength = file.Length;
        Span<byte> probe = stackalloc byte[2];
        bool gzip = ReadFull(file, probe) == 2 && probe[0] == 0x1F && probe[1] == 0x8B;
        file.Position = 0;
        try
        {
            if (!gzip) return ReadBody(path, file, fileLength, compressed: false);
            using var gz = new GZipStream(file, CompressionMode.Decompress);
            return ReadBody(path, gz, fileLength, compressed: true);
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, $"corrupt gzip stream ({e.Message})", e);
        }
    }

    /// <summary>Writes <paramref name="data"/> as an IDX file, gzipped when <paramref name="gzip"/> is true (default: when the name ends in .gz).</summary>
    public static void Write(string path, IdxData data, bool? gzip = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Shape.Length is 0 or > 255) throw new ArgumentException($"IDX files need 1 to 255 dimensions, got {data.Shape.Length}.", nameof(data));
        bool gz = gzip ?? path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using Stream output = gz ? new GZipStream(file, CompressionLevel.Optimal) : file;
        var header = new byte[4 + 4 * data.Shape.Length];
        header[2] = (byte)data.Type;
        header[3] = (byte)data.Shape.Length;
        for (int i = 0; i < data.Shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), data.Shape[i]);
        output.Write(header);
        var bytes = ToBigEndianBytes(data);
        output.Write(bytes);
    }

    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    public static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UByte or IdxDataType.SByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Float32 => 4,
        IdxDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown IDX type code."),
    };

    internal static Type ArrayTypeOf(IdxDataType type) => type switch
    {
        IdxDataType.UByte => typeof(byte[]),
        IdxDataType.SByte => typeof(sbyte[]),
        IdxDataType.Int16 => typeof(short[]),
        IdxDataType.Int32 => typeof(int[]),
        IdxDataType.Float32 => typeof(float[]),
        IdxDataType.Float64 => typeof(double[]),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown IDX type code."),
    };

    private static IdxData ReadBody(string path, Stream s, long fileLength, bool compressed)
    {
        string what = compressed ? "decompressed stream" : "file";
        Span<byte> magic = stackalloc byte[4];
        int got = ReadFull(s, magic);
        if (got < 4) throw new IdxFormatException(path, $"truncated header: the {what} has {got} bytes, an IDX header needs at least 4");
        if (magic[0] != 0 || magic[1] != 0)
            throw new IdxFormatException(path, $"bad magic {magic[0]:X2} {magic[1]:X2} {magic[2]:X2} {magic[3]:X2}: not an IDX file (expected 00 00 <type> <ndims>)");
        var type = (IdxDataType)magic[2];
        if (!Enum.IsDefined(type))
            throw new IdxFormatException(path, $"unsupported type code 0x{magic[2]:X2} (supported: 08 ubyte, 09 sbyte, 0B short, 0C int, 0D float, 0E double)");
        int ndims = magic[3];
        if (ndims == 0) throw new IdxFormatException(path, "the header declares 0 dimensions");
        int headerLength = 4 + 4 * ndims;
        var dimBytes = new byte[4 * ndims];
        got = ReadFull(s, dimBytes);
        if (got < dimBytes.Length)
            throw new IdxFormatException(path, $"truncated header: {ndims} dimensions need {dimBytes.Length} bytes of sizes, the {what} has only {got}");

        var shape = new int[ndims];
        var dims = new uint[ndims];
        ulong count = 1;
        bool overflow = false;
        for (int i = 0; i < ndims; i++)
        {
            dims[i] = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (dims[i] != 0 && count > ulong.MaxValue / dims[i]) overflow = true;
            else count *= dims[i];
        }
        string dimText = "[" + string.Join(", ", dims) + "]";
        int elementSize = ElementSize(type);
        if (overflow || count > (ulong)Array.MaxLength)
            throw new IdxFormatException(path, $"dimensions {dimText} overflow: the element count does not fit in an array");
        for (int i = 0; i < ndims; i++) shape[i] = (int)dims[i]; // each dim <= count <= Array.MaxLength unless count is 0
        foreach (uint d in dims)
            if (d > int.MaxValue) throw new IdxFormatException(path, $"dimension size {d} in {dimText} is too large");
        long dataBytes = (long)count * elementSize;

        if (!compressed)
        {
            long available = fileLength - headerLength;
            if (dataBytes > available)
                throw new IdxFormatException(path, $"truncated data: dimensions {dimText} of {type} need {dataBytes} data bytes, the file has {available}");
            if (dataBytes < available)
                throw new IdxFormatException(path, $"trailing garbage: {available - dataBytes} bytes after the {dataBytes} data bytes that dimensions {dimText} need");
        }
        else
        {
            long limit = fileLength * MaxDeflateRatio;
            if (dataBytes + headerLength > limit)
                throw new IdxFormatException(path, $"dimensions {dimText} of {type} need {dataBytes} data bytes, more than a {fileLength}-byte gzip file can decompress to");
        }

        Array data = type switch
        {
            IdxDataType.UByte => new byte[count],
            IdxDataType.SByte => new sbyte[count],
            IdxDataType.Int16 => new short[count],
            IdxDataType.Int32 => new int[count],
            IdxDataType.Float32 => new float[count],
            _ => new double[count],
        };
        var raw = BytesOf(data);
        got = ReadFull(s, raw);
        if (got < raw.Length)
            throw new IdxFormatException(path, $"truncated data: the {what} ended after {got} of the {raw.Length} data bytes that dimensions {dimText} of {type} need");
        if (compressed)
        {
            Span<byte> extra = stackalloc byte[1];
            if (ReadFull(s, extra) != 0) throw new IdxFormatException(path, $"trailing garbage: the decompressed stream continues after the {raw.Length} data bytes that dimensions {dimText} need");
        }
        FromBigEndian(data);
        return new IdxData(type, shape, data);
    }

    private static Span<byte> BytesOf(Array data) => data switch
    {
        byte[] a => a,
        sbyte[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        short[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        int[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        float[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        double[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        _ => throw new ArgumentException($"Unsupported IDX array type {data.GetType().Name}."),
    };

    private static void FromBigEndian(Array data)
    {
        if (!BitConverter.IsLittleEndian) return;
        switch (data)
        {
            case short[] a: BinaryPrimitives.ReverseEndianness(a, a); break;
            case int[] a: BinaryPrimitives.ReverseEndianness(a, a); break;
            case float[] a: { var v = MemoryMarshal.Cast<float, int>(a.AsSpan()); BinaryPrimitives.ReverseEndianness(v, v); break; }
            case double[] a: { var v = MemoryMarshal.Cast<double, long>(a.AsSpan()); BinaryPrimitives.ReverseEndianness(v, v); break; }
        }
    }

    private static byte[] ToBigEndianBytes(IdxData data)
    {
        var bytes = BytesOf(data.Data).ToArray();
        if (!BitConverter.IsLittleEndian) return bytes;
        switch (Idx.ElementSize(data.Type))
        {
            case 2: { var v = MemoryMarshal.Cast<byte, short>(bytes.AsSpan()); BinaryPrimitives.ReverseEndianness(v, v); break; }
            case 4: { var v = MemoryMarshal.Cast<byte, int>(bytes.AsSpan()); BinaryPrimitives.ReverseEndianness(v, v); break; }
            case 8: { var v = MemoryMarshal.Cast<byte, long>(bytes.AsSpan()); BinaryPrimitives.ReverseEndianness(v, v); break; }
        }
        return bytes;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private static int ReadFull(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
