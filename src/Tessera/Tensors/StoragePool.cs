using System.Collections.Concurrent;
using System.Numerics;

namespace Tessera;

/// <summary>
/// Pinned byte buffers bucketed by power-of-two size. Buffers come back only when a
/// <see cref="TensorScope"/> releases them; the rest are collected by the GC like any array, so the
/// pool can never leak, only help.
/// </summary>
internal static class StoragePool
{
    private const int MinBucketBytes = 1;
    private const int MaxPerBucket = 64;
    private static readonly ConcurrentBag<byte[]>[] Buckets = CreateBuckets();

    private static ConcurrentBag<byte[]>[] CreateBuckets()
    {
        var b = new ConcurrentBag<byte[]>[32];
        for (int i = 0; i < b.Length; i++) b[i] = new ConcurrentBag<byte[]>();
        return b;
    }

    /// <summary>A pinned buffer with room for <paramref name="bytes"/> bytes plus <see cref="Storage.Alignment"/> bytes of alignment slack.</summary>
    public static byte[] Rent(long bytes)
    {
        if (bytes < MinBucketBytes) return GC.AllocateUninitializedArray<byte>((int)bytes + Storage.Alignment, pinned: true);
        int bucket = BucketOf(bytes);
        if (Buckets[bucket].TryTake(out byte[]? buffer)) return buffer;
        // Power-of-two data sizes (4 MB tensors are common) fill their bucket exactly: the slack is on top.
        long size = Math.Min((1L << bucket) + Storage.Alignment, Array.MaxLength);
        return GC.AllocateUninitializedArray<byte>((int)size, pinned: true);
    }

    public static void Return(byte[] buffer)
    {
        int data = buffer.Length - Storage.Alignment;
        if (data < MinBucketBytes || !BitOperations.IsPow2(data)) return;
        var bag = Buckets[BitOperations.Log2((uint)data)];
        if (bag.Count < MaxPerBucket) bag.Add(buffer);
    }

    private static int BucketOf(long bytes) => BitOperations.Log2(BitOperations.RoundUpToPowerOf2((ulong)bytes));
}
