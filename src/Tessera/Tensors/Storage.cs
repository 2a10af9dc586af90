using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera;

/// <summary>
/// A flat, 64-byte-aligned block of bytes shared by a tensor and all of its views.
/// Backed by a pinned managed array from <see cref="StoragePool"/>, so pointers stay valid for the
/// storage's lifetime and the GC reclaims anything not returned explicitly.
/// </summary>
internal sealed class Storage
{
    public const int Alignment = 64;

    private byte[]? _buffer;
    private readonly int _start;

    public long ByteLength { get; }

    private Storage(byte[] buffer, long byteLength)
    {
        _buffer = buffer;
        ByteLength = byteLength;
        _start = AlignedStart(buffer);
    }

    /// <summary>Uninitialised storage of <paramref name="byteLength"/> bytes.</summary>
    public static Storage Allocate(long byteLength)
    {
        if (byteLength > Array.MaxLength - Alignment)
            throw new OutOfMemoryException($"Tensor of {byteLength} bytes exceeds the {Array.MaxLength - Alignment}-byte storage limit.");
        return new Storage(StoragePool.Rent(byteLength), byteLength);
    }

    /// <summary>Zero-filled storage.</summary>
    public static Storage AllocateZeroed(long byteLength)
    {
        var s = Allocate(byteLength);
        s.Bytes.Clear();
        return s;
    }

    public bool IsReleased => _buffer is null;

    public Span<byte> Bytes
    {
        get
        {
            byte[] b = _buffer ?? throw new ObjectDisposedException("Tensor storage", "The tensor's storage was released (its TensorScope ended).");
            return b.AsSpan(_start, (int)ByteLength);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> AsSpan<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Bytes);

    /// <summary>Returns the buffer to the pool. Any view still using it will throw on access.</summary>
    public void Release()
    {
        byte[]? b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null) StoragePool.Return(b);
    }

    private static unsafe int AlignedStart(byte[] buffer)
    {
        // The pinned object heap never moves arrays, so an offset computed once stays aligned.
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        int misalignment = (int)(address & (Alignment - 1));
        return misalignment == 0 ? 0 : Alignment - misalignment;
    }
}
