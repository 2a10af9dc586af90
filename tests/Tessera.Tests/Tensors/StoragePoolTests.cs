using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera.Tests.Tensors;

public class StoragePoolTests
{
    private static unsafe long Address(Tensor t) =>
        (long)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.Span<float>()));

    [Theory]
    [InlineData(1, 64)]
    [InlineData(1000, 64)]
    [InlineData(16 * 1024 - 1, 64)]        // 64 KB - 4 bytes: below the page-alignment threshold
    [InlineData(16 * 1024, 4096)]          // exactly 64 KB
    [InlineData(300_001, 4096)]
    [InlineData(1 << 20, 4096)]            // 4 MB: colored bucket
    [InlineData((1 << 20) + 1, 4096)]      // just over 4 MB: 8 MB bucket
    public void DataStartIsAlignedForItsSize(int elements, int alignment)
    {
        for (int i = 0; i < 5; i++)   // several buffers, so every color is seen for the large sizes
        {
            using var t = Tensor.Empty(DType.Float32, [elements]);
            Assert.Equal(0, Address(t) % alignment);
            t.Span<float>().Fill(i);              // the whole span is writable
            Assert.Equal(i, t.Span<float>()[^1]);
        }
    }

    [Fact]
    public void LargeBuffersCycleThroughColors()
    {
        // Keep them alive so the pool cannot hand the same buffer back.
        var buffers = Enumerable.Range(0, 8).Select(_ => StoragePool.Rent(4 << 20)).ToArray();
        var prefixes = buffers.Select(b => StoragePool.ColorPrefix(b.Length)).ToArray();
        Assert.Equal(4, prefixes.Distinct().Count());
        Assert.All(prefixes, p => Assert.Contains(p, new[] { 0, StoragePool.ColorStep, 2 * StoragePool.ColorStep, 3 * StoragePool.ColorStep }));
        // Small buffers are never colored.
        Assert.Equal(0, StoragePool.ColorPrefix(StoragePool.Rent(1 << 20).Length));
    }

    [Fact]
    public void BucketDecodingIsUnambiguous()
    {
        for (int k = 0; k < 31; k++)
        {
            long data = 1L << k;
            long slack = data >= Storage.PageAlignThreshold ? Storage.PageSize : Storage.Alignment;
            int colors = data >= StoragePool.ColorThreshold ? 4 : 1;
            for (int c = 0; c < colors; c++)
            {
                long length = data + slack + (long)c * StoragePool.ColorStep;
                if (length > Array.MaxLength) continue;
                Assert.Equal(k, StoragePool.BucketOfBuffer((int)length));
                Assert.Equal(c * StoragePool.ColorStep, StoragePool.ColorPrefix((int)length));
            }
        }
        Assert.Equal(-1, StoragePool.BucketOfBuffer(1000));               // not a pooled shape
        Assert.Equal(-1, StoragePool.BucketOfBuffer((4 << 20) + 4096 + 1000));
    }

    [Fact]
    public void DataThatDoesNotFitAfterTheColorPrefixStartsAtTheFront()
    {
        // An exact-size buffer (made for tensors too big for their bucket) can look like a colored one:
        // 4 MB + 512 KB of data plus one page decodes as "4 MB bucket, color 1". The data must still fit.
        long bytes = (4 << 20) + StoragePool.ColorStep;
        var buffer = GC.AllocateUninitializedArray<byte>((int)bytes + Storage.PageSize, pinned: true);
        Assert.Equal(StoragePool.ColorStep, StoragePool.ColorPrefix(buffer.Length));
        int start = Storage.DataStart(buffer, bytes);
        Assert.True(start < Storage.PageSize, $"start {start}");
        Assert.True(start + bytes <= buffer.Length);
        // A 4 MB tensor in the same buffer does use the prefix.
        Assert.True(Storage.DataStart(buffer, 4 << 20) >= StoragePool.ColorStep);
    }
}
