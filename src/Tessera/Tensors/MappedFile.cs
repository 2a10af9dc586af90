using System.IO.MemoryMappedFiles;

namespace Tessera;

/// <summary>
/// A read-only memory mapping of a region of a file, shared by every <see cref="Storage"/> over it. The view's
/// pointer is acquired once; the mapping stays alive while any reference (the creator's, one per storage) is held,
/// and is unmapped when the last is released, or by the finalizer once everything over it has been collected.
/// </summary>
/// <remarks>
/// The file handle is not needed after mapping (the mapping keeps its own reference to the file), so closing or
/// deleting the file on Linux does not invalidate tensors over it. Truncating the file in place while it is mapped
/// does: pages past the new end fault (SIGBUS). Tessera's own writers replace files atomically (write to a
/// temporary file, then rename), which leaves existing mappings on the old contents.
/// </remarks>
internal sealed unsafe class MappedFile
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private int _refs = 1;
    private int _unmapped;

    private MappedFile(MemoryMappedFile map, MemoryMappedViewAccessor view, byte* pointer, long length, string path)
    {
        _map = map;
        _view = view;
        Pointer = pointer;
        Length = length;
        Path = path;
    }

    /// <summary>
    /// Maps <paramref name="length"/> (&gt; 0) bytes of <paramref name="stream"/> from <paramref name="offset"/>, read-only.
    /// The stream is owned by the mapping from then on. The caller holds the first reference and must <see cref="Release"/> it.
    /// </summary>
    public static MappedFile Open(FileStream stream, long offset, long length, string path)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var map = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read,
            HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(offset, length, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            return new MappedFile(map, view, p + view.PointerOffset, length, path);
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>First byte of the mapped region; valid while a reference is held.</summary>
    public byte* Pointer { get; }

    /// <summary>Length of the mapped region in bytes.</summary>
    public long Length { get; }

    /// <summary>The file's path, for messages.</summary>
    public string Path { get; }

    /// <summary>Takes one more reference (a storage over the region).</summary>
    public void AddRef()
    {
        if (Interlocked.Increment(ref _refs) <= 1)
            throw new ObjectDisposedException(nameof(MappedFile), $"The mapping of '{Path}' was already released.");
    }

    /// <summary>Drops one reference; the last one unmaps the file.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _refs) == 0)
        {
            Unmap();
            GC.SuppressFinalize(this);
        }
    }

    // Runs only when no storage over the region is reachable any more (each one references this object). The view's
    // SafeHandle has a critical finalizer, which runs after this one, so releasing the pointer here is still valid.
    ~MappedFile() => Unmap();

    private void Unmap()
    {
        if (Interlocked.Exchange(ref _unmapped, 1) != 0) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
