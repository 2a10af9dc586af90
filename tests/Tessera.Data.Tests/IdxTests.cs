using System.IO.Compression;

namespace Tessera.Data.Tests;

public class IdxTests
{
    private static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(raw);
        return ms.ToArray();
    }

    private static byte[] Header(byte type, params uint[] dims)
    {
        var h = new byte[4 + 4 * dims.Length];
        h[2] = type;
        h[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4 + 4 * i), dims[i]);
        return h;
    }

    private static IdxFormatException Fails(string name, byte[] content, string phrase)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<IdxFormatException>(() => Idx.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(phrase, e.Message);
        return e;
    }

    public static TheoryData<IdxDataType, bool> TypesAndCompression()
    {
        var d = new TheoryData<IdxDataType, bool>();
        foreach (var t in Enum.GetValues<IdxDataType>()) { d.Add(t, false); d.Add(t, true); }
        return d;
    }

    [Theory]
    [MemberData(nameof(TypesAndCompression))]
    public void RoundTripsEveryTypeRawAndGzip(IdxDataType type, bool gzip)
    {
        using var dir = new TempDir();
        int[] shape = [3, 2, 5];
        Array data = type switch
        {
            IdxDataType.UByte => Enumerable.Range(0, 30).Select(i => (byte)(i * 8 + 1)).ToArray(),
            IdxDataType.SByte => Enumerable.Range(0, 30).Select(i => (sbyte)(i * 9 - 128)).ToArray(),
            IdxDataType.Int16 => Enumerable.Range(0, 30).Select(i => (short)(i * 2001 - 30000)).ToArray(),
            IdxDataType.Int32 => Enumerable.Range(0, 30).Select(i => i * 123456789 - 7).ToArray(),
            IdxDataType.Float32 => Enumerable.Range(0, 30).Select(i => i * 0.37f - 3.5f).ToArray(),
            _ => Enumerable.Range(0, 30).Select(i => i * Math.PI - 1e300 * (i % 2)).ToArray(),
        };
        string path = dir.File(gzip ? "x.idx.gz" : "x.idx");
        Idx.Write(path, new IdxData(type, shape, data));
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(gzip, bytes[0] == 0x1F && bytes[1] == 0x8B);
        var back = Idx.Read(path);
        Assert.Equal(type, back.Type);
        Assert.Equal(shape, back.Shape);
        Assert.Equal(data, back.Data);
    }

    [Fact]
    public void BigEndianLayoutMatchesTheSpec()
    {
        using var dir = new TempDir();
        string path = dir.File("be");
        File.WriteAllBytes(path, [0, 0, 0x0C, 1, 0, 0, 0, 2, 0x01, 0x02, 0x03, 0x04, 0xFF, 0xFF, 0xFF, 0xFE]);
        var d = Idx.Read(path);
        Assert.Equal([2], d.Shape);
        Assert.Equal(new[] { 0x01020304, -2 }, d.As<int>());
    }

    [Fact]
    public void DetectsGzipByMagicNotByName()
    {
        using var dir = new TempDir();
        string path = dir.File("plain-name");
        File.WriteAllBytes(path, Gzip([.. Header(0x08, 3), 7, 8, 9]));
        Assert.Equal(new byte[] { 7, 8, 9 }, Idx.Read(path).As<byte>());
    }

    [Fact]
    public void BadMagic() => Fails("m", [0x50, 0x4B, 3, 4, 0, 0, 0, 0], "bad magic");

    [Fact]
    public void BadTypeCode() => Fails("t", [.. Header(0x0A, 1), 0], "unsupported type code 0x0A");

    [Fact]
    public void ZeroDimensions() => Fails("z", Header(0x08), "0 dimensions");

    [Fact]
    public void TruncatedMagic() => Fails("h", [0, 0, 8], "truncated header");

    [Fact]
    public void TruncatedDimensions() => Fails("d", Header(0x08, 2, 2, 2)[..10], "truncated header");

    [Fact]
    public void TruncatedData() => Fails("td", [.. Header(0x0D, 2, 2), 0, 0, 0, 0, 0, 0, 0], "truncated data");

    [Fact]
    public void TrailingGarbage() => Fails("tg", [.. Header(0x08, 2), 1, 2, 3], "trailing garbage");

    [Fact]
    public void DimsProductOverflow() => Fails("o", [.. Header(0x0E, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), 1], "overflow");

    [Fact]
    public void DimsLargerThanAnArray() => Fails("big", [.. Header(0x08, 0x10000, 0x10000), 1], "overflow");

    [Fact]
    public void DimsExceedingARawFileFailBeforeAllocating() =>
        // 1.6 GB claimed by a 17-byte file: must fail on the size check, not on an allocation.
        Fails("r", [.. Header(0x0D, 20000, 20000), 1, 2, 3, 4, 5], "need 1600000000 data bytes, the file has 5");

    [Fact]
    public void DimsExceedingWhatAGzipFileCanHoldFailBeforeAllocating() =>
        Fails("g.gz", Gzip([.. Header(0x0D, 20000, 20000), 1, 2, 3]), "more than a");

    [Fact]
    public void GzipDataShorterThanDims() => Fails("s.gz", Gzip([.. Header(0x08, 10), 1, 2, 3]), "ended after 3 of the 10 data bytes");

    [Fact]
    public void GzipTrailingDecompressedBytes() => Fails("x.gz", Gzip([.. Header(0x08, 2), 1, 2, 3]), "trailing garbage");

    [Fact]
    public void GzipStreamCutShort()
    {
        var rnd = new Random(1);
        var body = new byte[5000];
        rnd.NextBytes(body);
        var gz = Gzip([.. Header(0x08, 5000), .. body]);
        using var dir = new TempDir();
        string path = dir.File("cut.gz");
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);
        var e = Assert.Throws<IdxFormatException>(() => Idx.Read(path));
        Assert.Contains(path, e.Message);
        Assert.True(e.Message.Contains("truncated data") || e.Message.Contains("corrupt gzip"), e.Message);
    }

    [Fact]
    public void CorruptGzipBody()
    {
        var gz = Gzip([.. Header(0x08, 100), .. new byte[100]]);
        for (int i = 10; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        using var dir = new TempDir();
        string path = dir.File("bad.gz");
        File.WriteAllBytes(path, gz);
        var e = Assert.Throws<IdxFormatException>(() => Idx.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingFileIsNotAFormatError()
    {
        using var dir = new TempDir();
        Assert.Throws<FileNotFoundException>(() => Idx.Read(dir.File("nope")));
    }

    [Fact]
    public void ReadsTheShippedSubset()
    {
        var d = Idx.Read(Path.Combine(TestPaths.Subset, "t10k-labels-idx1-ubyte.gz"));
        Assert.Equal(IdxDataType.UByte, d.Type);
        Assert.Equal([2000], d.Shape);
        Assert.All(d.As<byte>(), b => Assert.InRange(b, (byte)0, (byte)9));
    }
}
