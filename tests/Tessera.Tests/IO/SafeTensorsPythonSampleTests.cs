using Tessera.IO;
using Tessera.Testing.Fixtures;

namespace Tessera.Tests.IO;

/// <summary>Reads tests/fixtures/safetensors/python_sample.safetensors, written by tools/make_fixtures.py.</summary>
public class SafeTensorsPythonSampleTests
{
    private static string SamplePath => Path.Combine(RepoPaths.FixturesDirectory, "safetensors", "python_sample.safetensors");

    [Fact]
    public void ValuesMatchWhatPythonWrote()
    {
        using var f = SafeTensorsFile.Read(SamplePath);
        Assert.Equal("pt", f.Metadata["format"]);
        Assert.Equal("tools/make_fixtures.py", f.Metadata["source"]);
        Assert.Equal(12, f.Entries.Count);

        Assert.Equal([2L, 3L], f.GetEntry("f64").Shape);
        Assert.Equal([0.5, -1.25, 3.0, 1e-300, -0.0, Math.Pow(2, 60)], f.GetFloat64("f64"));
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 1f, 1.5f], f.GetFloat32("f32"));
        Assert.Equal([(Half)1.0, (Half)(-2.5), (Half)65504, (Half)0.000061035156], f.GetFloat16("f16"));
        Assert.Equal(SafeTensorsDType.BF16, f.GetEntry("bf16").DType);
        Assert.Equal([0x80, 0x3F, 0x00, 0xC0, 0x49, 0x40], f.GetBytes("bf16").ToArray().Select(b => (int)b));
        Assert.Equal([-(1L << 62), -1, 0, 1L << 40], f.GetInt64("i64"));
        Assert.Equal([-7, 8, int.MaxValue, int.MinValue], f.GetInt32("i32"));
        Assert.Equal([(short)-32768, (short)32767, (short)5], f.GetInt16("i16"));
        Assert.Equal([(sbyte)-128, (sbyte)127, (sbyte)0], f.GetInt8("i8"));
        Assert.Equal([(byte)0, 255, 17], f.GetUInt8("u8"));
        Assert.Equal([true, false, true], f.GetBool("mask"));
        Assert.Empty(f.GetEntry("scalar").Shape);
        Assert.Equal([2.75], f.GetFloat64("scalar"));
        Assert.Equal([2L, 0L], f.GetEntry("empty").Shape);
        Assert.Empty(f.GetFloat32("empty"));
    }

    [Fact]
    public void OurWriterReproducesThePythonFileByteForByte()
    {
        byte[] original = File.ReadAllBytes(SamplePath);
        using var f = SafeTensorsFile.Parse(original);
        var w = new SafeTensorsWriter();
        foreach (var (k, v) in f.Metadata) w.Metadata[k] = v;
        foreach (var e in f.Entries.Reverse()) w.Add(e.Name, e.DType, e.ToShapeArray(), f.GetBytes(e));
        Assert.Equal(original, w.ToArray());
    }
}
