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
    private const int MinBucketBytes = 4096;
    private const int MaxPerBucket = 32;
    private static readonly ConcurrentBag<byte[]>[] Buckets = CreateBuckets();

    private static ConcurrentBag<byte[]>[] CreateBuckets()
    {
        var b = new ConcurrentBag<byte[]>[32];
        for (int i = 0; i < b.Length; i++) b[i] = new ConcurrentBag<byte[]>();
        return b;
    }

    public static byte[] Rent(int bytes)
    {
        if (bytes < MinBucketBytes) return GC.AllocateUninitializedArray<byte>(bytes, pinned: true);
        int bucket = BucketOf(bytes);
        if (Buckets[bucket].TryTake(out byte[]? buffer)) return buffer;
        long size = Math.Min(1L << bucket, Array.MaxLength);
        return GC.AllocateUninitializedArray<byte>((int)Math.Max(size, bytes), pinned: true);
    }

    public static void Return(byte[] buffer)
    {
        if (buffer.Length < MinBucketBytes || !BitOperations.IsPow2(buffer.Length)) return;
        var bag = Buckets[BitOperations.Log2((uint)buffer.Length)];
        if (bag.Count < MaxPerBucket) bag.Add(buffer);
    }

    private static int BucketOf(int bytes) => (int)BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)bytes));
}
