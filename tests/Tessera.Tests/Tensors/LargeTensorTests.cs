using System.Diagnostics;
using Xunit.Abstractions;

namespace Tessera.Tests.Tensors;

/// <summary>
/// Tensors of more than 2^31 elements or bytes (native storage, 64-bit counts and offsets, chunked ops). Each test
/// holds 2-4 GB for a few seconds and disposes its tensors so the memory goes back at once; the tests of this class
/// run one after another (one xunit collection).
/// </summary>
public class LargeTensorTests(ITestOutputHelper output)
{
    private const int Row = 1 << 20;

    [Fact]
    public void Int8TensorOfMoreThan2To31ElementsFillsSumsAndNarrowsAtLongOffsets()
    {
        var sw = Stopwatch.StartNew();
        const long expectedNumel = (1L << 31) + (1L << 20);
        using var t = Tensor.Full([2049, Row], 1, DType.Int8);   // 2049 * 2^20 = 2^31 + 2^20
        Assert.Equal(expectedNumel, t.Numel);
        Assert.Equal(StorageKind.Native, t.Storage.Kind);
        Assert.Equal(expectedNumel, t.Storage.ByteLength);

        var sum = t.Sum();
        Assert.Equal(DType.Int64, sum.DType);
        Assert.Equal(expectedNumel, sum.Item<long>());

        // A marker of 3 elements at element 2^31 + 5 (past int range), written through a contiguous narrow view.
        var row = t.Narrow(0, 2048, 1);
        var marker = row.Narrow(1, 5, 3);
        Assert.Equal((1L << 31) + 5, marker.Offset);
        marker.Fill_(7);
        Assert.Equal(1, t.GetAsDouble(2048, 4));
        Assert.Equal(7, t.GetAsDouble(2048, 5));
        Assert.Equal(7, t.GetAsDouble(2048, 7));
        Assert.Equal(1, t.GetAsDouble(2048, 8));
        Assert.Equal(1, t.GetAsDouble(2047, 5));
        Assert.Equal((sbyte)7, row.Narrow(1, 6, 1).Item<sbyte>());
        Assert.Equal(new sbyte[] { 1, 7, 7, 7, 1 }, row.Narrow(1, 4, 5).ToArray<sbyte>());
        Assert.Equal(expectedNumel + 3 * 6, t.Sum().Item<long>());

        // Views with long offsets: a reshape of the huge tensor keeps its elements in place.
        var reshaped = t.Reshape(4098, Row / 2);
        Assert.True(reshaped.SharesStorageWith(t));
        Assert.Equal(7, reshaped.GetAsDouble(4096, 6));

        // Copies and conversions read from a long offset: a slice of rows 2047-2048, and the whole marker row.
        using (var copy = t.Narrow(0, 2047, 2).Clone())
        {
            Assert.Equal(0, copy.Offset);
            Assert.Equal(7, copy.GetAsDouble(1, 5));
            Assert.Equal(2L * Row + 18, copy.Sum().Item<long>());
        }
        // Strides past 2^31: rows 0 and 2048 (a slice with step 2048) lie 2^31 elements apart.
        var stepped = t.Slice(0, 0, 2049, 2048);
        Assert.Equal(new long[] { 1L << 31, 1 }, stepped.Strides.ToArray());
        Assert.Equal(7, stepped.GetAsDouble(1, 5));
        Assert.Equal(new long[] { 1L << 32, 1L << 31, 1 }, stepped.Unsqueeze(0).Strides.ToArray());
        Assert.Equal(new long[] { 1, 1L << 31 }, stepped.T.Strides.ToArray());
        using (var copy = stepped.Clone())
        {
            Assert.Equal(new long[] { Row, 1 }, copy.Strides.ToArray());
            Assert.Equal(new sbyte[] { 1, 7, 7, 7, 1 }, copy.Narrow(0, 1, 1).Narrow(1, 4, 5).ToArray<sbyte>());
            Assert.Equal(2L * Row + 18, copy.Sum().Item<long>());
        }
        Assert.Equal(new long[] { Row, Row + 18 }, stepped.Sum(1).ToArray<long>());
        using (var transposed = stepped.T.Contiguous())   // (Row, 2): a strided walk whose inner stride is 2^31
        {
            Assert.Equal(7, transposed.GetAsDouble(5, 1));
            Assert.Equal(1, transposed.GetAsDouble(5, 0));
        }

        // A strided view (one column) whose rows lie 2^20 elements apart, reaching past 2^31.
        using (var column = t.Narrow(1, 6, 1).Clone())
        {
            Assert.Equal(new long[] { 2049, 1 }, Array.ConvertAll(column.ShapeArray(), d => (long)d));
            Assert.Equal(7, column.GetAsDouble(2048, 0));
            Assert.Equal(2048L + 7, column.Sum().Item<long>());
        }
        row.Narrow(1, 9, 1).Fill_(-3);
        using (var u8 = row.To(DType.UInt8))   // int8 -> uint8 wraps, as PyTorch: -3 becomes 253
        {
            Assert.Equal(new byte[] { 1, 7, 7, 7, 1, 253, 1 }, u8.Narrow(1, 4, 7).ToArray<byte>());
            Assert.Equal(Row - 4 + 3 * 7 + 253L, u8.Sum().Item<long>());
        }

        // Span-based paths refuse with one clear message instead of overflowing (and before copying anything).
        string tooLarge = $"The tensor (shape [2049, 1048576], int8) has {expectedNumel} elements, more than a Span can hold; use chunked access.";
        Assert.Equal(tooLarge, Assert.Throws<InvalidOperationException>(() => t.AsSpan<sbyte>()).Message);
        Assert.Equal(tooLarge, Assert.Throws<InvalidOperationException>(() => t.ToArray<sbyte>()).Message);
        Assert.Equal($"tensor(<{expectedNumel} elements>, shape=[2049, 1048576], dtype=int8)", t.ToString());
        Assert.Equal($"Sum over chosen dims of a tensor of {expectedNumel} elements (shape [2049, 1048576]) is not supported (more than 2147483647); Sum() over all dims is.",
            Assert.Throws<InvalidOperationException>(() => t.Sum(1)).Message);
        Assert.Equal($"Max of a tensor of {expectedNumel} elements (shape [2049, 1048576]) is not supported (more than 2147483647); Sum() over all dims is.",
            Assert.Throws<InvalidOperationException>(() => t.Max()).Message);
        Assert.Equal($"Flatten(0, -1) of shape [2049, 1048576] would make a dimension of {expectedNumel} elements, more than 2147483647.",
            Assert.Throws<ArgumentException>(() => t.Flatten()).Message);
        output.WriteLine($"int8 fill, 2 sums, narrow, clone and convert at long offsets: {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void BFloat16TensorOfMoreThan2To31BytesSumsWithinBFloat16Tolerance()
    {
        var sw = Stopwatch.StartNew();
        const long expectedNumel = (1L << 30) + (1L << 20);
        using var t = Tensor.Ones([1025, Row], DType.BFloat16);   // 2^31 + 2^21 bytes
        Assert.Equal(expectedNumel, t.Numel);
        Assert.Equal(2 * expectedNumel, t.Storage.ByteLength);

        var sum = t.Sum();
        Assert.Equal(DType.BFloat16, sum.DType);
        double got = sum.ItemAsDouble();
        // The exact sum rounded once to bfloat16 (8 significant bits): 2^30 + 2^20 rounds to 2^30.
        Assert.Equal((double)(float)(BFloat16)(float)expectedNumel, got);
        Assert.InRange(got, expectedNumel * (1 - 1.0 / 256), expectedNumel * (1 + 1.0 / 256));
        // Mean over all dims: the chunked sum divided by the 64-bit count (exactly 1, within bfloat16's 2^-8 steps).
        Assert.InRange(t.Mean().ItemAsDouble(), 1 - 1.0 / 128, 1 + 1.0 / 128);

        // Element access past 2^31 bytes: the last row, through a view and through the float32 conversion of a slice.
        var last = t.Narrow(0, 1024, 1).Narrow(1, Row - 4, 4);
        last.Fill_(2.5);
        Assert.Equal(new[] { 2.5f, 2.5f, 2.5f, 2.5f }, last.To(DType.Float32).ToArray<float>());
        Assert.Equal(1, t.GetAsDouble(1024, Row - 5));
        output.WriteLine($"bf16 fill + sum + narrow: {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void OpsSpanningSeveralChunksMatchPerElementReferences()
    {
        // Just over two chunks, so the chunked (parallel) paths of To, Clone, Fill and Sum run at a modest size.
        int n = 2 * Tensor.ChunkElements + 3;
        using var x = Tensor.Rand([n], new Generator(7));
        using var h = x.To(DType.BFloat16);
        float[] xs = x.ToArray<float>();
        var hs = h.ToArray<BFloat16>();
        foreach (int i in new[] { 0, Tensor.ChunkElements - 1, Tensor.ChunkElements, 2 * Tensor.ChunkElements, n - 1 })
            Assert.Equal(((BFloat16)xs[i]).RawValue, hs[i].RawValue);

        using var c = h.Clone();
        Assert.True(c.ToArray<BFloat16>().AsSpan().SequenceEqual(hs));

        double exact = 0;
        foreach (var v in hs) exact += (float)v;
        double sum = h.Sum().ItemAsDouble();
        Assert.InRange(sum, exact * (1 - 1.0 / 256), exact * (1 + 1.0 / 256));

        using var bytes = Tensor.Full([n], 3, DType.UInt8);
        Assert.Equal(3L * n, bytes.Sum().Item<long>());
        long seen = 0;
        var starts = new List<long>();
        foreach (Span<byte> chunk in bytes.Chunks<byte>())
        {
            starts.Add(seen);
            Assert.True(chunk.IndexOfAnyExcept((byte)3) < 0);
            seen += chunk.Length;
        }
        Assert.Equal(n, seen);
        Assert.Equal(new long[] { 0, Tensor.ChunkElements, 2L * Tensor.ChunkElements }, starts);
        bytes.Zero_();
        Assert.Equal(0L, bytes.Sum().Item<long>());
    }

    [Fact]
    public void ShapesWhoseSizeOverflowsThrowNamingTheShape()
    {
        var overflow = Assert.Throws<ArgumentException>(() => Tensor.Zeros([1 << 30, 1 << 30, 1 << 30], DType.Int8));
        Assert.Equal("Shape [1073741824, 1073741824, 1073741824] has more elements than a 64-bit count can hold.", overflow.Message);

        var tooBig = Assert.Throws<ArgumentException>(() => Tensor.Empty([1 << 30, 1 << 30, 1 << 2], DType.Float32));
        Assert.Equal("Shape [1073741824, 1073741824, 4] has 4611686018427387904 elements of 4 bytes, more than one allocation can hold (72057594037927936 bytes).", tooBig.Message);

        // Strides are 64-bit: shapes whose outer strides pass 2^31 are valid (checked without allocating 8 GB).
        ShapeUtil.Validate([2, 1 << 16, 1 << 16], 1);
        Assert.Equal(new long[] { 1L << 32, 65536, 1 }, ShapeUtil.ContiguousStrides([2, 65536, 65536]));
    }
}
