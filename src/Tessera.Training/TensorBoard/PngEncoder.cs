using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Tessera.Training.TensorBoard;

/// <summary>
/// A minimal PNG encoder (8-bit gray, gray+alpha, RGB or RGBA; no interlace): signature, IHDR, one zlib IDAT, IEND,
/// each chunk with its CRC-32. Enough for summary images; not a general image library.
/// </summary>
public static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Encodes row-major 8-bit pixels <c>// (H, W, C)</c> as PNG. <paramref name="channels"/>: 1 gray, 2 gray+alpha,
    /// 3 RGB, 4 RGBA.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or <paramref name="channels"/> is not 1 to 4.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> is not height × width × channels bytes long.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int height, int width, int channels)
    {
        PixelImage.Validate(pixels.Length, height, width, channels);
        int rowBytes = checked(width * channels);

        // Sub filter (each byte minus the one a pixel to its left): smooth and flat regions, like heatmaps, compress far
        // better than unfiltered, at one subtraction per byte.
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[rowBytes + 1];
            row[0] = 1;   // filter type Sub
            for (int y = 0; y < height; y++)
            {
                var src = pixels.Slice(y * rowBytes, rowBytes);
                for (int i = 0; i < rowBytes; i++)
                    row[i + 1] = (byte)(src[i] - (i >= channels ? src[i - channels] : 0));
                z.Write(row);
            }
        }

        using var png = new MemoryStream();
        png.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;                           // bit depth
        ihdr[9] = ColorType(channels);
        ihdr[10] = 0;                          // compression: deflate
        ihdr[11] = 0;                          // filter method: adaptive
        ihdr[12] = 0;                          // no interlace
        WriteChunk(png, "IHDR"u8, ihdr);
        WriteChunk(png, "IDAT"u8, idat.GetBuffer().AsSpan(0, (int)idat.Length));
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static byte ColorType(int channels) => channels switch
    {
        1 => 0,   // grayscale
        2 => 4,   // grayscale + alpha
        3 => 2,   // truecolor
        4 => 6,   // truecolor + alpha
        _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "PNG images have 1, 2, 3 or 4 channels."),
    };

    private static void WriteChunk(Stream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(type);
        png.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        png.Write(word);
    }
}
