using System.Runtime.CompilerServices;
using System.Text;
using Tessera.IO;

namespace Tessera.Tests.IO;

public class SafeTensorsMappedTests
{
    private static Dictionary<string, Tensor> EveryDType()
    {
        var g = new Generator(7);
        return new Dictionary<string, Tensor>
        {
            ["bool"] = Tensor.FromArray([true, false, true]),
            ["u8"] = Tensor.FromArray(new[] { 0, 7, 255 }).To(DType.UInt8),
            ["i8"] = Tensor.FromArray(new[] { -128, 5, 127 }).To(DType.Int8),
            ["i16"] = Tensor.FromArray(new[] { -32768, 300, 32767 }).To(DType.Int16),
            ["i32"] = Tensor.FromArray(new[] { int.MinValue, 3, int.MaxValue }),
            ["i64"] = Tensor.FromArray(new[] { long.MinValue, 3, long.MaxValue }),
            ["f16"] = Tensor.Randn([3, 5], g).To(DType.Float16),
            ["bf16"] = Tensor.FromSpan<BFloat16>(Tensor.Randn([12], g).ToArray<float>().Select(f => (BFloat16)f).ToArray(), [4, 3]),
            ["f32"] = Tensor.Randn([2, 7], g),
            ["f64"] = Tensor.Randn([5], g, DType.Float64),
        };
    }

    private static byte[] BytesOf(Tensor t)
    {
        var c = t.Contiguous();
        int size = c.DType.ElementSize();
        return c.Storage.Slice<byte>(c.Offset * size, checked((int)(c.Numel * size))).ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryDTypeRoundTripsWithItsOwnCodeAndSameBytes(bool mapped)
    {
        using var dir = new TempDir();
        string path = dir.File("all.safetensors");
        var tensors = EveryDType();
        SafeTensors.Save(tensors, path);

        using (var file = SafeTensorsFile.Read(path))
            foreach (var (name, t) in tensors)
                Assert.Equal(t.DType.ToSafeTensors(), file.GetEntry(name).DType);

        var loaded = SafeTensors.Load(path, mapped);
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, t) in tensors)
        {
            var l = loaded[name];
            Assert.Equal(t.DType, l.DType);
            Assert.Equal(t.ShapeArray(), l.ShapeArray());
            Assert.Equal(BytesOf(t), BytesOf(l));
            Assert.Equal(mapped, l.IsReadOnly);
            Assert.Equal(mapped ? StorageKind.Mapped : StorageKind.Pooled, l.Storage.Kind);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Bf16FileStaysBf16WithMemoryEqualToTheFilesTensorBytes(bool mapped)
    {
        using var dir = new TempDir();
        string path = dir.File("bf16.safetensors");
        var w = new SafeTensorsWriter();
        // 1.0, -0.5, 3.0 (0x4040) and the largest finite bf16 (0x7F7F), little-endian.
        byte[] raw = [0x80, 0x3F, 0x00, 0xBF, 0x40, 0x40, 0x7F, 0x7F, 0x80, 0x3F, 0x00, 0x00];
        w.Add("w", SafeTensorsDType.BF16, [2, 3], raw);
        w.Save(path);

        var t = SafeTensors.Load(path, mapped)["w"];
        Assert.Equal(DType.BFloat16, t.DType);
        Assert.Equal(raw.Length, t.Storage.ByteLength);
        Assert.Equal(raw, BytesOf(t));
        Assert.Equal([1.0f, -0.5f, 3.0f, 3.3895313892515355e38f, 1.0f, 0.0f], t.ToArray<BFloat16>().Select(b => (float)b));
    }

    [Fact]
    public void MappedTensorsAreReadOnlyAndCloneIsWritable()
    {
        using var dir = new TempDir();
        string path = dir.File("w.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, [2, 2]) }, path);
        var w = SafeTensors.Load(path)["w"];
        Assert.True(w.IsReadOnly);

        var writes = new (string Op, Action Write)[]
        {
            ("Add_", () => w.Add_(Tensor.Ones([2, 2]))),
            ("Add_", () => w.Sub_(Tensor.Ones([2, 2]))),
            ("Mul_", () => w.Mul_(2.0)),
            ("Mul_", () => w.Mul_(Tensor.Ones([2, 2]))),
            ("Fill_", () => w.Fill_(5)),
            ("Fill_", () => w.Zero_()),
            ("CopyFrom_", () => w.CopyFrom_(Tensor.Zeros([2, 2]))),
            ("Fill_", () => w.T.Fill_(1)),                 // through a (non-contiguous) view
            ("Add_", () => w.Detach().Reshape(4).Add_(Tensor.Ones([4]))),
        };
        foreach (var (op, write) in writes)
        {
            var ex = Assert.Throws<InvalidOperationException>(write);
            Assert.Equal($"{op}: tensor is a read-only view of the mapped file '{path}'; Clone() it to write.", ex.Message);
        }
        Assert.Equal([1f, 2f, 3f, 4f], w.ToArray<float>());   // nothing was written

        var c = w.Clone();
        Assert.False(c.IsReadOnly);
        c.Add_(Tensor.Ones([2, 2]));
        Assert.Equal([2f, 3f, 4f, 5f], c.ToArray<float>());
        Assert.Equal([1f, 2f, 3f, 4f], w.ToArray<float>());
        // Out-of-place ops read mapped tensors freely.
        Assert.Equal([2f, 4f, 6f, 8f], w.Add(w).ToArray<float>());
        Assert.Equal([7f, 10f, 15f, 22f], w.Matmul(w).ToArray<float>());
    }

    [Fact]
    public void MappedTensorOutlivesTheFileAndItsHandle()
    {
        using var dir = new TempDir();
        string path = dir.File("gone.safetensors");
        var values = Enumerable.Range(0, 5000).Select(i => (float)Math.Sin(i)).ToArray();
        SafeTensors.Save(new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(values) }, path);
        var x = SafeTensors.Load(path)["x"];   // the reader and its file handle are closed when Load returns
        Assert.Equal(StorageKind.Mapped, x.Storage.Kind);
        File.Delete(path);
        Collect();
        Assert.Equal(values, x.ToArray<float>());
        Assert.Equal(values.Sum(v => (double)v), x.Sum().ItemAsDouble(), 2);
    }

    [Fact]
    public void MappingIsReleasedWhenItsLastTensorIsDisposedOrCollected()
    {
        if (!OperatingSystem.IsLinux()) return;   // observes the mapping through /proc/self/maps
        using var dir = new TempDir();
        string path = dir.File("maps.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["a"] = Tensor.Ones([1000]), ["b"] = Tensor.Zeros([1000]) }, path);

        var loaded = SafeTensors.Load(path);
        Assert.True(IsMapped(path));
        loaded["a"].Reshape(10, 100).Dispose();   // a view: frees nothing
        loaded["a"].Dispose();
        Assert.True(IsMapped(path));               // "b" still holds the mapping
        loaded["b"].Dispose();
        Assert.False(IsMapped(path));

        LoadAndDrop(path);
        Assert.True(IsMapped(path));
        Collect();
        Assert.False(IsMapped(path));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LoadAndDrop(string path) => Assert.Equal(2, SafeTensors.Load(path).Count);

    private static bool IsMapped(string path) => File.ReadAllText("/proc/self/maps").Contains(path, StringComparison.Ordinal);

    private static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void TensorsNotAlignedToTheirElementSizeAreCopiedAndCorrect()
    {
        using var dir = new TempDir();
        string path = dir.File("misaligned.safetensors");
        // A 1-byte tensor first puts the F32 tensor at data offset 1 (the format allows it; reference writers never do).
        string json = "{\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"f\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[1,9]}}";
        json += new string(' ', (8 - json.Length % 8) % 8);
        var data = new byte[9];
        data[0] = 42;
        BitConverter.GetBytes(1.5f).CopyTo(data, 1);
        BitConverter.GetBytes(-2.25f).CopyTo(data, 5);
        File.WriteAllBytes(path, SafeTensorsTestFiles.Raw(Encoding.UTF8.GetBytes(json), data));

        var t = SafeTensors.Load(path);
        Assert.Equal(StorageKind.Mapped, t["u"].Storage.Kind);
        Assert.Equal(StorageKind.Pooled, t["f"].Storage.Kind);
        Assert.False(t["f"].IsReadOnly);
        Assert.Equal([1.5f, -2.25f], t["f"].ToArray<float>());
        Assert.Equal([42.0], t["u"].ToDoubleArray());
    }

    [Theory]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8)]            // past the end of the data
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)]   // overlap
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8)]   // shape overflows
    public void MalformedFilesAreRejectedOnTheMappedPath(string header, int dataBytes)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, SafeTensorsTestFiles.Raw(header, dataBytes));
        Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path, mapped: true));
    }

    [Fact]
    public void BoolBytesOtherThanZeroOrOneAreRejected()
    {
        using var dir = new TempDir();
        string path = dir.File("bool.safetensors");
        File.WriteAllBytes(path, SafeTensorsTestFiles.Raw("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]}}", [1, 2, 0]));
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.Contains("BOOL element 1 has byte value 2", ex.Message);
    }

    [Fact]
    public void UnsupportedFileDTypeNamesTheTensor()
    {
        using var dir = new TempDir();
        string path = dir.File("u16.safetensors");
        File.WriteAllBytes(path, SafeTensorsTestFiles.Raw("{\"q\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2));
        var ex = Assert.Throws<NotSupportedException>(() => SafeTensors.Load(path));
        Assert.StartsWith($"Tensor 'q' in '{path}' has dtype U16, which Tessera tensors cannot hold (they hold ", ex.Message);
        Assert.Contains("F32", ex.Message);
        Assert.DoesNotContain("U16", ex.Message[ex.Message.IndexOf("(they hold", StringComparison.Ordinal)..]);
    }

    [Theory]
    [InlineData("U32", 4)]
    [InlineData("U64", 8)]
    [InlineData("F8_E4M3", 1)]
    [InlineData("F8_E5M2", 1)]
    [InlineData("C64", 8)]
    public void EveryUnsupportedDTypeIsAClearErrorNamingTensorAndDType(string dtype, int size)
    {
        using var dir = new TempDir();
        string path = dir.File("odd.safetensors");
        File.WriteAllBytes(path, SafeTensorsTestFiles.Raw($"{{\"w\":{{\"dtype\":\"{dtype}\",\"shape\":[2],\"data_offsets\":[0,{2 * size}]}}}}", 2 * size));
        foreach (bool mapped in new[] { true, false })
        {
            var ex = Assert.Throws<NotSupportedException>(() => SafeTensors.Load(path, mapped));
            Assert.StartsWith($"Tensor 'w' in '{path}' has dtype {dtype}, which Tessera tensors cannot hold", ex.Message);
        }
    }

    [Fact]
    public void ADimensionOf2To31WithNoElementsIsAClearError()
    {
        // The header is valid (zero elements, zero bytes), but Tessera shapes are int: refuse it by name instead of wrapping.
        using var dir = new TempDir();
        string path = dir.File("huge.safetensors");
        File.WriteAllBytes(path, SafeTensorsTestFiles.Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483648,0],\"data_offsets\":[0,0]}}", 0));
        var ex = Assert.Throws<NotSupportedException>(() => SafeTensors.Load(path));
        Assert.Equal($"Tensor 'w' in '{path}' has dimension 0 of size 2147483648 (shape [2147483648, 0]); Tessera dimensions are below 2^31, even for a tensor with no elements.", ex.Message);
        // One below the limit is an ordinary empty tensor.
        File.WriteAllBytes(path, SafeTensorsTestFiles.Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[0,2147483647],\"data_offsets\":[0,0]}}", 0));
        var t = SafeTensors.Load(path)["w"];
        Assert.Equal(new[] { 0, int.MaxValue }, t.ShapeArray());
        Assert.Equal(0L, t.Numel);
    }

    [Fact]
    public void SaveThrowsForADTypeWithNoCodeInsteadOfWritingBool()
    {
        using var dir = new TempDir();
        var odd = new Tensor(Storage.Allocate(4), (DType)99, [1], [1], 0);
        var ex = Assert.Throws<NotSupportedException>(() => SafeTensors.Save(new Dictionary<string, Tensor> { ["odd"] = odd }, dir.File("x.safetensors")));
        Assert.Equal("Tensor 'odd' has dtype 99, which is not a Tessera dtype and has no safetensors code.", ex.Message);
        Assert.False(File.Exists(dir.File("x.safetensors")));
    }
}
