using Tessera.IO;
using Tessera.Testing;

namespace Tessera.Tests.IO;

public class SafeTensorsTensorTests
{
    [Fact]
    public void SaveLoadRoundTripsEveryTensorDType()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tessera-{Guid.NewGuid():N}.safetensors");
        try
        {
            var tensors = new Dictionary<string, Tensor>
            {
                ["f32"] = Tensor.Randn([2, 3], new Generator(1)),
                ["f64"] = Tensor.Randn([4], new Generator(2), DType.Float64),
                ["i64"] = Tensor.FromArray(new long[] { long.MinValue, 0, long.MaxValue }),
                ["i32"] = Tensor.FromArray(new[] { -7, 9 }, [1, 2]),
                ["mask"] = Tensor.FromArray([true, false, true]),
                ["view"] = Tensor.Arange(0, 6, 1, DType.Float32).Reshape(2, 3).T,   // non-contiguous: saved in logical order
                ["empty"] = Tensor.Zeros([0, 5]),
                ["scalar"] = Tensor.Scalar(2.5),
            };
            SafeTensors.Save(tensors, path, new Dictionary<string, string> { ["format"] = "pt" });
            var loaded = SafeTensors.Load(path, out var meta);
            Assert.Equal("pt", meta["format"]);
            foreach (var (name, t) in tensors)
            {
                var l = loaded[name];
                Assert.Equal(t.DType, l.DType);
                Assert.Equal(t.ShapeArray(), l.ShapeArray());
                Assert.Equal(t.ToDoubleArray(), l.ToDoubleArray());
            }
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LoadKeepsHalfPrecisionAndByteDTypes(bool mapped)
    {
        string path = Path.Combine(Path.GetTempPath(), $"tessera-{Guid.NewGuid():N}.safetensors");
        try
        {
            var w = new SafeTensorsWriter();
            w.AddFloat16("h", [2], [(Half)1.5, (Half)(-2)]);
            // bf16 of 1.0 is 0x3F80, of -0.5 is 0xBF00 (little-endian bytes)
            w.Add("b", SafeTensorsDType.BF16, [2], [0x80, 0x3F, 0x00, 0xBF]);
            w.AddUInt8("u", [3], [0, 128, 255]);
            w.Add("i8", SafeTensorsDType.I8, [3], [0x80, 0xFF, 0x7F]);                    // -128, -1, 127
            w.Add("i16", SafeTensorsDType.I16, [2], [0x00, 0x80, 0xFF, 0x7F]);            // -32768, 32767
            w.Save(path);
            var t = SafeTensors.Load(path, mapped);
            Assert.Equal(DType.Float16, t["h"].DType);
            Assert.Equal(DType.BFloat16, t["b"].DType);
            Assert.Equal(DType.UInt8, t["u"].DType);
            Assert.Equal(DType.Int8, t["i8"].DType);
            Assert.Equal(DType.Int16, t["i16"].DType);
            Assert.Equal([1.5, -2], t["h"].ToDoubleArray());
            Assert.Equal([1.0f, -0.5f], t["b"].ToArray<BFloat16>().Select(b => (float)b));
            Assert.Equal([0, 128, 255], t["u"].ToDoubleArray());
            Assert.Equal([-128, -1, 127], t["i8"].ToDoubleArray());
            Assert.Equal([-32768, 32767], t["i16"].ToDoubleArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void MalformedFileRaisesTypedException()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tessera-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, [8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}']);
            Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        }
        finally { File.Delete(path); }
    }
}
