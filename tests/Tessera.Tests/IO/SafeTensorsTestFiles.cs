using System.Buffers.Binary;
using System.Text;
using Tessera.IO;

namespace Tessera.Tests.IO;

/// <summary>Builds raw safetensors bytes by hand and reads them through every entry point.</summary>
internal static class SafeTensorsTestFiles
{
    public static byte[] Raw(string header, int dataBytes = 0) => Raw(Encoding.UTF8.GetBytes(header), new byte[dataBytes]);

    public static byte[] Raw(string header, byte[] data) => Raw(Encoding.UTF8.GetBytes(header), data);

    public static byte[] Raw(byte[] header, byte[] data, ulong? declaredLength = null)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    public static byte[] Prefix(ulong declaredLength, int extraBytes = 0)
    {
        var bytes = new byte[8 + extraBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength);
        return bytes;
    }

    /// <summary>The four readers: in-memory, by path (memory-mapped), seekable stream, non-seekable stream.</summary>
    public static readonly string[] ReaderNames = ["parse", "path", "stream", "pipe"];

    public static SafeTensorsFile ReadWith(string reader, byte[] bytes, TempDir dir)
    {
        switch (reader)
        {
            case "parse":
                return SafeTensorsFile.Parse(bytes, "mem.safetensors");
            case "path":
                string path = dir.File("t.safetensors");
                File.WriteAllBytes(path, bytes);
                return SafeTensorsFile.Read(path);
            case "stream":
                return SafeTensorsFile.Read(new MemoryStream(bytes), "seekable.safetensors");
            case "pipe":
                return SafeTensorsFile.Read(new NonSeekableStream(bytes), "pipe.safetensors");
            default:
                throw new ArgumentOutOfRangeException(nameof(reader));
        }
    }
}
