using System.Collections.Concurrent;
using System.Numerics;

namespace Tessera;

/// <summary>
/// Pinned byte buffers bucketed by power-of-two size. Buffers come back only when a
/// <see cref="TensorScope"/> releases them; the rest are collected by the GC like any array, so the
/// pool can never leak, only help.
/// </summary>
/// <remarks>
/// A buffer is laid out as [color prefix][alignment slack][data of 2^k bytes]. Buffers of at least
/// <see cref="ColorThreshold"/> bytes get a color prefix of 0, 1, 2 or 3 × <see cref="ColorStep"/>
/// bytes, in turn. Why: bucketing makes every large buffer a power of two plus one page, so
/// tensors allocated one after another (the inputs and output of <c>a + b</c>) all start at the
/// same offset modulo 4 MB, and streaming over such congruent arrays with two threads was measured
/// 15–25 % slower on this machine's EPYC (1M-float add, 2 threads: ~84 µs congruent, ~68 µs with
/// the arrays 512 KB–1 MB apart modulo 4 MB; one thread saw no difference). Exact-size allocators
/// such as PyTorch's spread arrays by accident; the pool does it on purpose. Cost: on average
/// 768 KB per buffer of 4 MB or more (19 % of a 4 MB tensor, under 5 % from 16 MB).
/// </remarks>
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

    /// <summary>
    /// A pinned buffer with room for <paramref name="bytes"/> bytes plus the slack needed to align
    /// its start to <see cref="Storage.AlignmentFor"/>.
    /// </summary>
    public static byte[] Rent(long bytes)
    {
        if (bytes < MinBucketBytes) return GC.AllocateUninitializedArray<byte>((int)bytes + Storage.Alignment, pinned: true);
        int bucket = BucketOf(bytes);
        if (Buckets[bucket].TryTake(out byte[]? buffer)) return buffer;
        // Power-of-two data sizes (4 MB tensors are common) fill their bucket exactly: the slack is on top.
        long data = 1L << bucket;
        long size = data + Storage.AlignmentFor(data);
        if (data >= ColorThreshold) size += (long)((uint)Interlocked.Increment(ref _nextColor) % Colors) * ColorStep;
        if (size > Array.MaxLength) size = bytes + Storage.AlignmentFor(bytes);   // too big for its bucket: exact size, never pooled
        return GC.AllocateUninitializedArray<byte>((int)size, pinned: true);
    }

    /// <summary>Takes back a buffer made by <see cref="Rent"/>; buffers that fit no bucket are left to the GC.</summary>
    public static void Return(byte[] buffer)
    {
        int bucket = BucketOfBuffer(buffer.Length);
        if (bucket < 0) return;
        var bag = Buckets[bucket];
        if (bag.Count < MaxPerBucket) bag.Add(buffer);
    }

    /// <summary>Smallest data size whose buffers get a color prefix.</summary>
    internal const long ColorThreshold = 4 << 20;

    /// <summary>Distance between colors.</summary>
    internal const int ColorStep = 512 << 10;

    private const int Colors = 4;
    private static int _nextColor = -1;

    /// <summary>
    /// The color prefix of a buffer of <paramref name="length"/> bytes: c × <see cref="ColorStep"/> when
    /// the length is 2^k + one page + c × <see cref="ColorStep"/> with 2^k ≥ <see cref="ColorThreshold"/>
    /// (no other (k, c) gives the same length, as powers of two that large differ by more than
    /// 3 × <see cref="ColorStep"/>), else 0.
    /// </summary>
    internal static int ColorPrefix(int length)
    {
        for (int c = 0; c < Colors; c++)
        {
            long data = (long)length - Storage.PageSize - (long)c * ColorStep;
            if (data < ColorThreshold) break;
            if (BitOperations.IsPow2(data)) return c * ColorStep;
        }
        return 0;
    }

    /// <summary>The bucket a rented buffer of <paramref name="length"/> bytes belongs to, or -1.</summary>
    internal static int BucketOfBuffer(int length)
    {
        length -= ColorPrefix(length);
        // A bucket's buffers are 2^k bytes plus that size's slack; the two slack sizes cannot be confused
        // because 2^k + 4096 (2^k >= 64 KB) is never a power of two plus 64.
        foreach (int slack in (ReadOnlySpan<int>)[Storage.PageSize, Storage.Alignment])
        {
            int data = length - slack;
            if (data >= MinBucketBytes && BitOperations.IsPow2(data) && Storage.AlignmentFor(data) == slack)
                return BitOperations.Log2((uint)data);
        }
        return -1;
    }

    private static int BucketOf(long bytes) => BitOperations.Log2(BitOperations.RoundUpToPowerOf2((ulong)bytes));
}
