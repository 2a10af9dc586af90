using Tessera.IO;
using static Tessera.Tests.IO.SafeTensorsTestFiles;

namespace Tessera.Tests.IO;

public class SafeTensorsRoundTripTests
{
    public static TheoryData<string, SafeTensorsDType> ReadersAndDTypes()
    {
        var data = new TheoryData<string, SafeTensorsDType>();
        foreach (var reader in ReaderNames)
            foreach (var dtype in SafeTensorsDTypeInfo.All)
                data.Add(reader, dtype);
        return data;
    }

    public static TheoryData<string> Readers() => new(ReaderNames);

    [Theory]
    [MemberData(nameof(ReadersAndDTypes))]
    public void EveryDTypeRoundTripsItsBytes(string reader, SafeTensorsDType dtype)
    {
        // Shapes chosen so sub-byte types (4 and 6 bits) fill whole bytes.
        long[] shape = SafeTensorsDTypeInfo.GetBitSize(dtype) switch { 4 => [2, 4], 6 => [4], _ => [2, 3] };
        long bytes = shape.Aggregate(1L, (a, b) => a * b) * SafeTensorsDTypeInfo.GetBitSize(dtype) / 8;
        var payload = new byte[bytes];
        new System.Random(42 + (int)dtype).NextBytes(payload);
        if (dtype == SafeTensorsDType.Bool)
            for (int i = 0; i < payload.Length; i++) payload[i] &= 1;

        var writer = new SafeTensorsWriter();
        writer.Add("x", dtype, shape, payload);
        bool wholeBytes = SafeTensorsDTypeInfo.GetBitSize(dtype) % 8 == 0;
        if (wholeBytes)
            writer.Add("scalar", dtype, [], payload.AsSpan(0, SafeTensorsDTypeInfo.GetByteSize(dtype)));
        writer.Add("empty", dtype, [2, 0], []);

        using var dir = new TempDir();
        using var file = ReadWith(reader, writer.ToArray(), dir);
        var entry = file.GetEntry("x");
        Assert.Equal(dtype, entry.DType);
        Assert.Equal(shape, entry.Shape);
        Assert.Equal(bytes, entry.ByteLength);
        Assert.Equal(payload, file.GetBytes("x").ToArray());
        if (wholeBytes)
            Assert.Equal(payload.AsSpan(0, SafeTensorsDTypeInfo.GetByteSize(dtype)).ToArray(), file.GetBytes("scalar").ToArray());
        Assert.Equal(0, file.GetBytes("empty").Length);
        Assert.Equal(SafeTensorsDTypeInfo.GetName(dtype), SafeTensorsDTypeInfo.GetName(SafeTensorsDTypeInfo.Parse(SafeTensorsDTypeInfo.GetName(dtype))));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void TypedHelpersRoundTripValues(string reader)
    {
        double[] f64 = [0.5, -1.25, double.MaxValue, double.Epsilon, -0.0, double.PositiveInfinity];
        float[] f32 = [1.5f, -2f, float.MinValue, 1e-45f];
        Half[] f16 = [(Half)1.5, (Half)(-65504), Half.Epsilon];
        long[] i64 = [long.MinValue, -1, 0, long.MaxValue];
        int[] i32 = [int.MinValue, 7, int.MaxValue];
        bool[] b = [true, false, false, true];
        byte[] u8 = [0, 200, 255];

        var w = new SafeTensorsWriter();
        w.AddFloat64("f64", [2, 3], f64);
        w.AddFloat32("f32", [4], f32);
        w.AddFloat16("f16", [3], f16);
        w.AddInt64("i64", [2, 2], i64);
        w.AddInt32("i32", [3], i32);
        w.AddBool("b", [2, 2], b);
        w.AddUInt8("u8", [3, 1], u8);
        w.Add("i16", SafeTensorsDType.I16, [2], [0x01, 0x80, 0xFF, 0x7F]);
        w.Add("i8", SafeTensorsDType.I8, [2], [0x80, 0x05]);

        using var dir = new TempDir();
        using var file = ReadWith(reader, w.ToArray(), dir);
        Assert.Equal(f64, file.GetFloat64("f64"));
        Assert.Equal(f32, file.GetFloat32("f32"));
        Assert.Equal(f16, file.GetFloat16("f16"));
        Assert.Equal(i64, file.GetInt64("i64"));
        Assert.Equal(i32, file.GetInt32("i32"));
        Assert.Equal(b, file.GetBool("b"));
        Assert.Equal(u8, file.GetUInt8("u8"));
        Assert.Equal([unchecked((short)0x8001), (short)0x7FFF], file.GetInt16("i16"));
        Assert.Equal([(sbyte)-128, (sbyte)5], file.GetInt8("i8"));
        Assert.True(BitConverter.DoubleToInt64Bits(file.GetFloat64("f64")[4]) < 0, "-0.0 keeps its sign bit");

        var ex = Assert.Throws<InvalidOperationException>(() => file.GetFloat32("f64"));
        Assert.Contains("F64", ex.Message);
        Assert.Throws<KeyNotFoundException>(() => file.GetBytes("nope"));
        Assert.False(file.Contains("nope"));
        Assert.True(file.TryGetEntry("u8", out var u8Entry));
        Assert.Equal([3L, 1L], u8Entry.Shape);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void EmptyTensorsAndScalars(string reader)
    {
        var w = new SafeTensorsWriter();
        w.AddFloat32("empty0", [0], []);
        w.AddFloat32("empty20", [2, 0], []);
        w.AddFloat64("scalar", [], [3.25]);
        w.AddInt64("iscalar", [], [-9]);
        w.AddBool("bempty", [0, 5], []);

        using var dir = new TempDir();
        using var file = ReadWith(reader, w.ToArray(), dir);
        Assert.Equal(5, file.Entries.Count);
        Assert.Equal(0, file.GetEntry("empty0").ElementCount);
        Assert.Equal([0L], file.GetEntry("empty0").Shape);
        Assert.Equal([2L, 0L], file.GetEntry("empty20").Shape);
        Assert.Empty(file.GetFloat32("empty20"));
        Assert.Equal(0, file.GetBytes("empty20").Length);
        var scalar = file.GetEntry("scalar");
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(1, scalar.ElementCount);
        Assert.Equal([3.25], file.GetFloat64("scalar"));
        Assert.Equal([-9L], file.GetInt64("iscalar"));
        Assert.Empty(file.GetBool("bempty"));
        Assert.Equal(16, file.DataLength);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void OnlyEmptyTensorsMeansNoDataSection(string reader)
    {
        var w = new SafeTensorsWriter();
        w.AddFloat32("a", [0, 3], []);
        using var dir = new TempDir();
        using var file = ReadWith(reader, w.ToArray(), dir);
        Assert.Equal(0, file.DataLength);
        Assert.Equal(0, file.GetBytes("a").Length);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void MetadataRoundTripsIncludingEscapes(string reader)
    {
        var w = new SafeTensorsWriter();
        w.Metadata["format"] = "pt";
        w.Metadata["quote\"back\\slash"] = "line\nbreak\ttab\u0001ctl";
        w.Metadata["unicode é 日本"] = "emoji 🙂 /slash";
        w.Metadata["empty"] = "";
        w.AddFloat32("name with \"quotes\" and é", [1], [1f]);

        using var dir = new TempDir();
        using var file = ReadWith(reader, w.ToArray(), dir);
        Assert.True(file.HasMetadata);
        Assert.Equal(4, file.Metadata.Count);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("line\nbreak\ttab\u0001ctl", file.Metadata["quote\"back\\slash"]);
        Assert.Equal("emoji 🙂 /slash", file.Metadata["unicode é 日本"]);
        Assert.Equal("", file.Metadata["empty"]);
        Assert.Equal([1f], file.GetFloat32("name with \"quotes\" and é"));
    }

    [Fact]
    public void NoMetadataGivesEmptyMap()
    {
        var w = new SafeTensorsWriter();
        w.AddFloat32("a", [1], [1f]);
        using var file = SafeTensorsFile.Parse(w.ToArray());
        Assert.False(file.HasMetadata);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void EntriesAreInHeaderOrderEvenWhenOffsetsAreNot()
    {
        string header = """{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""";
        var data = new byte[8];
        BitConverter.GetBytes(1f).CopyTo(data, 0);
        BitConverter.GetBytes(2f).CopyTo(data, 4);
        using var file = SafeTensorsFile.Parse(Raw(header, data));
        Assert.Equal(["b", "a"], file.Entries.Select(e => e.Name));
        Assert.Equal([2f], file.GetFloat32("b"));
        Assert.Equal([1f], file.GetFloat32("a"));
    }

    [Theory]
    [InlineData(" \n\t{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}")] // leading whitespace tolerated (like the reference)
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"extra\":{\"x\":[1,2]}}}")] // unknown fields ignored
    [InlineData("{\"__metadata__\":null,\"a\":{\"data_offsets\":[0,1],\"shape\":[1],\"dtype\":\"U8\"}}")] // null metadata, any field order
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}\r\n\t ")] // JSON whitespace padding
    [InlineData("{\"\\u0061\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}")] // escaped name
    public void AcceptsWhatTheReferenceAccepts(string header)
    {
        using var file = SafeTensorsFile.Parse(Raw(header, [7]));
        Assert.Equal([(byte)7], file.GetUInt8("a"));
    }

    [Fact]
    public void MappedFileSurvivesDeletionOfThePathAndDisposeInvalidatesAccess()
    {
        using var dir = new TempDir();
        var w = new SafeTensorsWriter();
        w.AddFloat64("x", [3], [1, 2, 3]);
        string path = dir.File("m.safetensors");
        w.Save(path);
        var file = SafeTensorsFile.Read(path);
        Assert.Equal(path, file.SourceName);
        Assert.Equal([1.0, 2, 3], file.GetFloat64("x"));
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.GetBytes("x").Length);
        file.Dispose(); // idempotent
    }

    [Fact]
    public void LargeTensorRoundTripsThroughFile()
    {
        // 3 MB: spans several pages and the writer's and reader's buffers.
        var values = new double[3 * 1024 * 1024 / 8];
        for (int i = 0; i < values.Length; i++) values[i] = i * 0.5 - 7;
        var w = new SafeTensorsWriter();
        w.AddBorrowed("big", SafeTensorsDType.F64, [values.Length / 4, 4], System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        w.AddInt32("small", [1], [5]);
        using var dir = new TempDir();
        string path = dir.File("big.safetensors");
        w.Save(path);
        Assert.Equal(w.ComputeLength(), new FileInfo(path).Length);
        using var file = SafeTensorsFile.Read(path);
        Assert.Equal(values, file.GetFloat64("big"));
        Assert.Equal([5], file.GetInt32("small"));
        using var viaPipe = SafeTensorsFile.Read(new NonSeekableStream(File.ReadAllBytes(path), maxChunk: 100_000));
        Assert.Equal(values, viaPipe.GetFloat64("big"));
    }

    [Fact]
    public void FileLargerThan2GiBIsMappedAndTensorsPastTheBoundaryAreReadable()
    {
        // A sparse file: 3e9 bytes of "big" (never written, so it takes no disk space) then 16 bytes of "tail".
        const long Big = 3_000_000_000;
        string header = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + Big + "],\"data_offsets\":[0," + Big + "]}," +
                        "\"tail\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[" + Big + "," + (Big + 16) + "]}}";
        byte[] head = SafeTensorsTestFiles.Raw(header);
        using var dir = new TempDir();
        string path = dir.File("sparse.safetensors");
        using (var fs = new FileStream(path, FileMode.CreateNew))
        {
            fs.Write(head);
            fs.SetLength(head.Length + Big + 16);
            fs.Position = head.Length + Big;
            fs.Write(BitConverter.GetBytes(1.5));
            fs.Write(BitConverter.GetBytes(-2.5));
        }
        using var file = SafeTensorsFile.Read(path);
        Assert.Equal(Big + 16, file.DataLength);
        Assert.Equal([1.5, -2.5], file.GetFloat64("tail"));
        var ex = Assert.Throws<SafeTensorsFormatException>(() => file.GetBytes("big").Length);
        Assert.Equal(SafeTensorsErrorKind.TooLarge, ex.Kind);
        Assert.Equal("big", ex.TensorName);
    }
}
