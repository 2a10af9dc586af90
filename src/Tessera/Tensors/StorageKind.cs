namespace Tessera;

/// <summary>Where a <see cref="Storage"/>'s bytes come from, which decides how they are freed.</summary>
internal enum StorageKind
{
    /// <summary>A pinned managed array from <see cref="StoragePool"/>; returned to the pool on release, else collected.</summary>
    Pooled,

    /// <summary>Aligned native memory (<see cref="NativeBuffer"/>) for blocks a managed array cannot hold; freed on release or by its finalizer.</summary>
    Native,

    /// <summary>A read-only region of a memory-mapped file (<see cref="MappedFile"/>); unmapped when its last storage goes.</summary>
    Mapped,
}
