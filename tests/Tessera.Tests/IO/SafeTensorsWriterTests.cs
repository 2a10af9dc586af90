using System.Text;
using Tessera.IO;

namespace Tessera.Tests.IO;

public class SafeTensorsWriterTests
{
    [Fact]
    public void EmptyFileMatchesReferenceVector()
    {
        // tensor.rs: empty dict -> N=8, "{}" + 6 spaces.
        byte[] expected = [8, 0, 0, 0, 0, 0, 0, 0, .. "{}      "u8];
        Assert.Equal(expected, new SafeTensorsWriter().ToArray());
        using var file = SafeTensorsFile.Parse(expected);
        Assert.Empty(file.Entries);
        Assert.Equal(8, file.HeaderLength);
    }

    [Fact]
    public void MetadataOnlyMatchesReferenceVector()
    {
        var w = new SafeTensorsWriter();
        w.Metadata["framework"] = "pt";
        byte[] bytes = w.ToArray();
        Assert.Equal(48, bytes.Length);
        Assert.Equal(40UL, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal("{\"__metadata__\":{\"framework\":\"pt\"}}     ", Encoding.UTF8.GetString(bytes, 8, 40));
    }

    [Fact]
    public void SingleTensorMatchesReferenceVector()
    {
        var w = new SafeTensorsWriter();
        w.AddFloat32("attn.0", [1, 2, 3], [0f, 1f, 2f, 3f, 4f, 5f]);
        byte[] bytes = w.ToArray();
        const string header = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        Assert.Equal(64, header.Length);
        Assert.Equal(64UL, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal(header, Encoding.UTF8.GetString(bytes, 8, 64));
        Assert.Equal(8 + 64 + 24, bytes.Length);
        Assert.Equal(2f, BitConverter.ToSingle(bytes, 8 + 64 + 8));
    }

    [Fact]
    public void LayoutIsSortedByDTypeDescendingThenNameAndPaddedTo8()
    {
        var w = new SafeTensorsWriter();
        w.AddBool("z", [1], [true]);
        w.AddFloat32("b", [1], [1f]);
        w.AddFloat32("a", [1], [2f]);
        w.AddInt64("y", [1], [3]);
        w.AddFloat64("c", [1], [4]);
        w.Metadata["z"] = "last";
        w.Metadata["a"] = "first";
        byte[] bytes = w.ToArray();
        using var file = SafeTensorsFile.Parse(bytes);
        Assert.Equal(["y", "c", "a", "b", "z"], file.Entries.Select(e => e.Name));
        Assert.Equal([0L, 8, 16, 20, 24], file.Entries.Select(e => e.DataBegin));
        Assert.Equal(0, file.HeaderLength % 8);
        string json = Encoding.UTF8.GetString(bytes, 8, (int)file.HeaderLength);
        Assert.StartsWith("{\"__metadata__\":{\"a\":\"first\",\"z\":\"last\"},\"y\":", json);
        Assert.EndsWith("}", json.TrimEnd(' '));
        // The same content added in another order gives identical bytes.
        var w2 = new SafeTensorsWriter();
        w2.Metadata["a"] = "first";
        w2.AddFloat64("c", [1], [4]);
        w2.AddInt64("y", [1], [3]);
        w2.AddFloat32("a", [1], [2f]);
        w2.Metadata["z"] = "last";
        w2.AddFloat32("b", [1], [1f]);
        w2.AddBool("z", [1], [true]);
        Assert.Equal(bytes, w2.ToArray());
    }

    [Fact]
    public void NamesSortByUtf8BytesLikeRust()
    {
        // UTF-16 ordinal puts U+FF5E before U+1F600 (surrogates D83D..), UTF-8 puts it after... and vice versa:
        // U+FF5E = EF BD 9E, U+1F600 = F0 9F 98 80, so UTF-8 order is FF5E first; UTF-16 order is 1F600 first.
        var w = new SafeTensorsWriter();
        w.AddUInt8("\U0001F600", [1], [1]);
        w.AddUInt8("\uFF5E", [1], [2]);
        using var file = SafeTensorsFile.Parse(w.ToArray());
        Assert.Equal(["\uFF5E", "\U0001F600"], file.Entries.Select(e => e.Name));
    }

    [Fact]
    public void EscapingMatchesSerdeJson()
    {
        var w = new SafeTensorsWriter();
        w.Metadata["k"] = "q\" b\\ n\n t\t ctl\u001f del\u007f é /";
        string json = Encoding.UTF8.GetString(w.ToArray()[8..]).TrimEnd(' ');
        Assert.Equal("{\"__metadata__\":{\"k\":\"q\\\" b\\\\ n\\n t\\t ctl\\u001f del\u007f é /\"}}", json);
    }

    [Fact]
    public void AddRejectsBadInput()
    {
        var w = new SafeTensorsWriter();
        w.AddFloat32("a", [2], [1f, 2f]);
        Assert.Contains("already", Assert.Throws<ArgumentException>(() => w.AddFloat32("a", [1], [1f])).Message);
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => w.AddFloat32("__metadata__", [1], [1f])).Message);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => w.Add("n", SafeTensorsDType.F32, [-1, 2], [])).Message);
        Assert.Contains("needs 12 bytes, got 8", Assert.Throws<ArgumentException>(() => w.AddFloat32("m", [3], [1f, 2f])).Message);
        Assert.Contains("whole number", Assert.Throws<ArgumentException>(() => w.Add("f4", SafeTensorsDType.F4, [3], [0, 0])).Message);
        Assert.Contains("surrogate", Assert.Throws<ArgumentException>(() => w.AddFloat32("bad\uD800", [1], [1f])).Message);
        Assert.Equal(1, w.Count);
    }

    [Fact]
    public void AddCopiesButAddBorrowedDoesNot()
    {
        var data = new byte[] { 1, 2 };
        var w = new SafeTensorsWriter();
        w.Add("copied", SafeTensorsDType.U8, [2], data);
        w.AddBorrowed("borrowed", SafeTensorsDType.U8, [2], data);
        data[0] = 9;
        using var file = SafeTensorsFile.Parse(w.ToArray());
        Assert.Equal([(byte)1, 2], file.GetUInt8("copied"));
        Assert.Equal([(byte)9, 2], file.GetUInt8("borrowed"));
    }

    [Fact]
    public void SaveReplacesAtomicallyAndLeavesNoTempFiles()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        File.WriteAllText(path, "old contents");
        var w = new SafeTensorsWriter();
        w.AddFloat64("x", [2], [1.5, 2.5]);
        w.Save(path);
        Assert.Equal(w.ToArray(), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
        w.Save(path); // overwrite an existing safetensors file too
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void FailedSaveLeavesTargetAndNoTempFile()
    {
        using var dir = new TempDir();
        string target = dir.File("is-a-directory");
        Directory.CreateDirectory(target);
        var w = new SafeTensorsWriter();
        w.AddFloat64("x", [1], [1]);
        Assert.ThrowsAny<IOException>(() => w.Save(target));
        Assert.True(Directory.Exists(target));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void SaveIntoMissingDirectoryFails()
    {
        using var dir = new TempDir();
        var w = new SafeTensorsWriter();
        Assert.Throws<DirectoryNotFoundException>(() => w.Save(Path.Combine(dir.Path, "missing", "x.safetensors")));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void WriteToStreamEqualsToArrayAndComputeLength()
    {
        var w = new SafeTensorsWriter();
        w.AddInt32("i", [2, 2], [1, 2, 3, 4]);
        w.Metadata["m"] = "v";
        using var ms = new MemoryStream();
        w.WriteTo(ms);
        Assert.Equal(w.ToArray(), ms.ToArray());
        Assert.Equal(ms.Length, w.ComputeLength());
    }

    [Fact]
    public void DTypeInfoIsConsistent()
    {
        Assert.Equal(22, SafeTensorsDTypeInfo.All.Count);
        foreach (var d in SafeTensorsDTypeInfo.All)
        {
            Assert.True(SafeTensorsDTypeInfo.TryParse(SafeTensorsDTypeInfo.GetName(d), out var back));
            Assert.Equal(d, back);
        }
        Assert.Equal(8, SafeTensorsDTypeInfo.GetByteSize(SafeTensorsDType.F64));
        Assert.Equal(2, SafeTensorsDTypeInfo.GetByteSize(SafeTensorsDType.BF16));
        Assert.Equal(1, SafeTensorsDTypeInfo.GetByteSize(SafeTensorsDType.Bool));
        Assert.Equal(8, SafeTensorsDTypeInfo.GetByteSize(SafeTensorsDType.C64));
        Assert.Equal(4, SafeTensorsDTypeInfo.GetBitSize(SafeTensorsDType.F4));
        Assert.Equal(6, SafeTensorsDTypeInfo.GetBitSize(SafeTensorsDType.F6E3M2));
        Assert.Throws<NotSupportedException>(() => SafeTensorsDTypeInfo.GetByteSize(SafeTensorsDType.F4));
        Assert.Equal("F8_E4M3FNUZ", SafeTensorsDTypeInfo.GetName(SafeTensorsDType.F8E4M3Fnuz));
        Assert.False(SafeTensorsDTypeInfo.TryParse("float32", out _));
        Assert.Throws<ArgumentException>(() => SafeTensorsDTypeInfo.Parse("bool"));
    }
}
