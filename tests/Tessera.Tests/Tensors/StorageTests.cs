namespace Tessera.Tests.Tensors;

public class StorageTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(Storage.PageAlignThreshold)]
    public unsafe void NativeStorageIsAlignedLikePooledAndFreedOnce(int bytes)
    {
        var s = Storage.AllocateNative(bytes);
        Assert.Equal(StorageKind.Native, s.Kind);
        Assert.Equal(Device.Cpu, s.Device);
        Assert.False(s.IsReadOnly);
        Assert.Equal(0, (long)s.Pointer % Storage.AlignmentFor(bytes));
        s.Bytes.Fill(0xA5);
        Assert.Equal(bytes, s.Bytes.Length);
        Assert.True(s.Bytes.IndexOfAnyExcept((byte)0xA5) < 0);
        s.Release();
        s.Release();   // idempotent
        Assert.True(s.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => s.Bytes.Length);
    }

    [Fact]
    public unsafe void PooledStorageKeepsItsAlignment()
    {
        foreach (long bytes in new long[] { 0, 3, 64, 4097, Storage.PageAlignThreshold, 5 << 20 })
        {
            var s = Storage.Allocate(bytes);
            Assert.Equal(StorageKind.Pooled, s.Kind);
            Assert.Equal(0, (long)s.Pointer % Storage.AlignmentFor(bytes));
            Assert.Equal(bytes, s.Bytes.Length);
            s.Release();
        }
    }

    [Fact]
    public unsafe void StorageLargerThanOneManagedArrayIsNative()
    {
        long bytes = int.MaxValue + 4096L;   // more than one managed array (and one span) can hold
        var s = Storage.Allocate(bytes);
        try
        {
            Assert.Equal(StorageKind.Native, s.Kind);
            Assert.Equal(bytes, s.ByteLength);
            // Touch only both ends: untouched pages of a native block are never committed.
            s.Pointer[0] = 1;
            s.Pointer[bytes - 1] = 2;
            Assert.Equal(1, s.Pointer[0]);
            Assert.Equal(2, s.Pointer[bytes - 1]);
            Assert.Throws<InvalidOperationException>(() => s.Bytes.Length);
        }
        finally { s.Release(); }
    }

    [Fact]
    public void ReleasedTensorThrowsInsteadOfReadingFreedMemory()
    {
        var t = Tensor.Ones([3]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.ToArray<float>());
        Assert.Equal("tensor(<released>, shape=[3])", t.ToString());
    }

    [Fact]
    public void DisposingAViewNeverFreesItsBase()
    {
        var owner = Tensor.Arange(0, 6, 1, DType.Float32);
        owner.Reshape(2, 3).Dispose();
        owner.Reshape(2, 3).T.Dispose();
        owner.Narrow(0, 1, 2).Dispose();
        owner.Detach().Dispose();
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], owner.ToArray<float>());

        var view = owner.Reshape(3, 2);
        owner.Dispose();   // the owner frees the storage; its views see that
        Assert.True(owner.Storage.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => view.ToArray<float>());
    }

    [Fact]
    public void DisposingTheResultOfAnOpFreesIt()
    {
        var a = Tensor.Ones([4]);
        var y = a.Add(a);
        var s = y.Storage;
        y.Dispose();
        Assert.True(s.IsReleased);
        Assert.False(a.Storage.IsReleased);
    }

    [Fact]
    public void ContiguousOfAContiguousTensorIsTheSameOwner()
    {
        var a = Tensor.Ones([4]);
        var c = a.Contiguous();
        c.Dispose();
        Assert.True(a.Storage.IsReleased);   // Contiguous() returned the tensor itself, which owns its storage
        var b = Tensor.Ones([2, 3]);
        var bt = b.T.Contiguous();         // a copy: its own owner
        bt.Dispose();
        Assert.False(b.Storage.IsReleased);
    }
}
