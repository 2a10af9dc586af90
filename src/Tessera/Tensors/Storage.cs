using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera;

/// <summary>
/// A flat block of bytes shared by a tensor and all of its views, of one of three kinds (<see cref="StorageKind"/>):
/// a pinned managed array from <see cref="StoragePool"/> (the default, and the training hot path), aligned native
/// memory (blocks too large for one managed array), or a read-only region of a memory-mapped file.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Pointer"/> and <see cref="Bytes"/> are the one place ops turn storage into CPU memory (<see cref="AsSpan{T}"/>,
/// the tensor span accessors and the elementwise driver's pointers all derive from them). A device backend attaches
/// there, keyed by <see cref="Device"/>.
/// </para>
/// <para>
/// Only the owner of a storage frees it: <see cref="Release"/> is called by a <see cref="TensorScope"/> or by
/// <see cref="Tensor.Dispose"/> on the tensor that created the storage, never through a view. Storage that is never
/// released is reclaimed by the GC (pooled arrays are ordinary arrays, native blocks and mappings have finalizers).
/// </para>
/// </remarks>
internal sealed unsafe class Storage
{
    public const int Alignment = 64;

    /// <summary>
    /// Storages of at least <see cref="PageAlignThreshold"/> bytes start on a 4 KB page boundary.
    /// </summary>
    /// <remarks>
    /// Why: the CPU guesses whether a load depends on an earlier store from the low 12 address bits
    /// only. With 64-byte alignment, the output of <c>a + b</c> could start, say, 0x40 bytes past an
    /// input modulo 4 KB; every store to <c>y[i]</c> then looks like the load of <c>a[i + 16]</c> a
    /// few instructions later and stalls it ("4K aliasing"). Measured on 1M-element adds: 15–27 %
    /// slower than with equal page offsets. Page-aligned storages all share the same low bits, so an
    /// elementwise op only ever pairs <c>y[i]</c> with <c>x[i]</c>.
    /// </remarks>
    public const int PageAlignThreshold = 64 * 1024;

    /// <summary>Alignment of the data start of a storage of <paramref name="byteLength"/> bytes.</summary>
    public static int AlignmentFor(long byteLength) => byteLength >= PageAlignThreshold ? PageSize : Alignment;

    /// <summary>The page size assumed for <see cref="PageAlignThreshold"/> (x64 and arm64 Linux and Windows).</summary>
    public const int PageSize = 4096;

    /// <summary>Largest pooled storage in bytes: one managed array, minus the alignment slack. Larger ones are native.</summary>
    public static long MaxPooledByteLength => Array.MaxLength - PageSize;

    // Null once released. The owner keeps the memory alive: byte[] (pooled), NativeBuffer or MappedFile.
    private byte* _data;
    private object? _owner;

    // Offset of the data in a pooled array: spans over pooled storage are built from the array, so a span alone keeps
    // the array alive (as a managed reference), exactly as before storages had kinds.
    private readonly int _start;

    public long ByteLength { get; }

    public StorageKind Kind { get; }

    /// <summary>Where the bytes live; always <see cref="Device.Cpu"/> today.</summary>
    public Device Device => Device.Cpu;

    /// <summary>True for mapped file regions: writers must call <see cref="Tensor.CheckWritable"/> first.</summary>
    public bool IsReadOnly { get; }

    /// <summary>
    /// True for state (parameters, registered buffers, autograd-owned gradients, optimizer state): a
    /// <see cref="TensorScope"/> never releases it, whichever scope tracked it.
    /// </summary>
    public bool IsState { get; set; }

    /// <summary>The mapped file's path (for messages), or null.</summary>
    public string? Origin { get; }

    private Storage(byte* data, object owner, long byteLength, StorageKind kind, bool readOnly = false, string? origin = null, int start = 0)
    {
        _data = data;
        _start = start;
        _owner = owner;
        ByteLength = byteLength;
        Kind = kind;
        IsReadOnly = readOnly;
        Origin = origin;
    }

    /// <summary>Uninitialised storage of <paramref name="byteLength"/> bytes: pooled, or native when no managed array can hold it.</summary>
    public static Storage Allocate(long byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        if (byteLength > MaxPooledByteLength) return AllocateNative(byteLength);
        byte[] buffer = StoragePool.Rent(byteLength);
        // The pinned object heap never moves arrays, so the address computed once stays valid and aligned.
        int start = DataStart(buffer, byteLength);
        byte* data = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer)) + start;
        return new Storage(data, buffer, byteLength, StorageKind.Pooled, start: start);
    }

    /// <summary>Uninitialised native storage, aligned like a pooled one of the same size.</summary>
    public static Storage AllocateNative(long byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        var buffer = new NativeBuffer(byteLength, AlignmentFor(byteLength));
        return new Storage(buffer.Pointer, buffer, byteLength, StorageKind.Native);
    }

    /// <summary>
    /// A read-only storage over <paramref name="byteLength"/> bytes of <paramref name="file"/> from <paramref name="offset"/>;
    /// it holds a reference to the mapping until released or collected.
    /// </summary>
    public static Storage Map(MappedFile file, long offset, long byteLength)
    {
        if (offset < 0 || byteLength < 0 || offset > file.Length - byteLength)
            throw new ArgumentOutOfRangeException(nameof(offset), $"Region [{offset}, {offset}+{byteLength}) is outside the {file.Length}-byte mapping of '{file.Path}'.");
        file.AddRef();
        return new Storage(file.Pointer + offset, file, byteLength, StorageKind.Mapped, readOnly: true, origin: file.Path);
    }

    /// <summary>Zero-filled storage.</summary>
    public static Storage AllocateZeroed(long byteLength)
    {
        var s = Allocate(byteLength);
        NativeMemory.Clear(s.Pointer, (nuint)byteLength);
        return s;
    }

    public bool IsReleased => _data is null;

    /// <summary>
    /// The first byte, for CPU kernels: the one place storage becomes CPU memory. The pointer stays valid while
    /// this storage is reachable and not released (callers that hold it across other work keep the tensor alive).
    /// </summary>
    public byte* Pointer
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            byte* p = _data;
            if (p is null) ThrowReleased();
            return p;
        }
    }

    /// <summary>
    /// All bytes as a span (storages of at most 2^31 - 1 bytes). A span over pooled storage references its array, so
    /// it keeps the memory alive on its own; spans over native or mapped memory do not: keep the tensor alive while using them.
    /// </summary>
    public Span<byte> Bytes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_owner is byte[] array)
                return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), _start), (int)ByteLength);
            return UnmanagedBytes();
        }
    }

    private Span<byte> UnmanagedBytes()
    {
        byte* p = Pointer;
        if (ByteLength > int.MaxValue) ThrowTooLargeForSpan();
        return new Span<byte>(p, (int)ByteLength);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> AsSpan<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Bytes);

    /// <summary>
    /// <paramref name="count"/> elements of type <typeparamref name="T"/> from element <paramref name="start"/>. Unlike
    /// <see cref="AsSpan{T}"/> it works on storages of more than 2^31 bytes; like <see cref="Bytes"/>, a span over pooled
    /// storage keeps its array alive. The caller checks the range (the tensor's shape and offset lie inside its storage).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Slice<T>(long start, int count) where T : unmanaged
    {
        if (_owner is byte[] array)
        {
            // Pooled storage is one managed array, so start * size < 2^31.
            int byteStart = _start + (int)start * Unsafe.SizeOf<T>();
            if ((ulong)(start + count) * (ulong)Unsafe.SizeOf<T>() > (ulong)ByteLength) ThrowOutOfRange(start, count);
            return MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), byteStart)), count);
        }
        if ((ulong)(start + count) * (ulong)Unsafe.SizeOf<T>() > (ulong)ByteLength) ThrowOutOfRange(start, count);
        return new Span<T>((T*)Pointer + start, count);
    }

    /// <summary>Zeroes every byte (any size).</summary>
    public void Clear() => NativeMemory.Clear(Pointer, (nuint)ByteLength);

    /// <summary>Zeroes <paramref name="count"/> bytes from byte <paramref name="start"/>.</summary>
    public void Clear(long start, long count)
    {
        if (start < 0 || count < 0 || start > ByteLength - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"Internal: bytes [{start}, {start}+{count}) lie outside a storage of {ByteLength} bytes.");
        NativeMemory.Clear(Pointer + start, (nuint)count);
    }

    private void ThrowOutOfRange(long start, int count) =>
        throw new InvalidOperationException($"Internal: elements [{start}, {start}+{count}) lie outside a storage of {ByteLength} bytes.");

    /// <summary>
    /// Frees the memory now (pooled arrays go back to the pool, native blocks are freed, a mapping loses a reference).
    /// Idempotent and thread-safe. Any tensor still using this storage throws <see cref="ObjectDisposedException"/> on access.
    /// </summary>
    public void Release()
    {
        object? owner = Interlocked.Exchange(ref _owner, null);
        if (owner is null) return;
        _data = null;
        switch (owner)
        {
            case byte[] b: StoragePool.Return(b); break;
            case NativeBuffer n: n.Dispose(); break;
            case MappedFile m: m.Release(); break;
            default: throw new InvalidOperationException($"Internal: unknown storage owner {owner.GetType().Name}.");
        }
    }

    private static void ThrowReleased() =>
        throw new ObjectDisposedException("Tensor storage", "The tensor's storage was released (its TensorScope ended or its owner was disposed).");

    internal void ThrowTooLargeForSpan() =>
        throw new InvalidOperationException($"A storage of {ByteLength} bytes cannot be viewed as one span; use its pointer in chunks.");

    /// <summary>
    /// Offset of the data in <paramref name="buffer"/>: past the pool's color prefix (if the data
    /// still fits after it), then up to <see cref="AlignmentFor"/>.
    /// </summary>
    internal static int DataStart(byte[] buffer, long byteLength)
    {
        int alignment = AlignmentFor(byteLength);
        int prefix = StoragePool.ColorPrefix(buffer.Length);
        int start = AlignedStart(buffer, prefix, alignment);
        if (start + byteLength > buffer.Length) start = AlignedStart(buffer, 0, alignment);
        if (start + byteLength > buffer.Length)
            throw new InvalidOperationException($"Internal: a pooled buffer of {buffer.Length} bytes cannot hold {byteLength} bytes at offset {start}.");
        return start;
    }

    private static int AlignedStart(byte[] buffer, int from, int alignment)
    {
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer)) + from;
        int misalignment = (int)(address & (alignment - 1));
        return from + (misalignment == 0 ? 0 : alignment - misalignment);
    }
}
