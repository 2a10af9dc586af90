using System.Runtime.InteropServices;

namespace Tessera;

/// <summary>
/// An aligned block of native memory owned by a <see cref="SafeHandle"/>, so it is freed exactly once: by
/// <see cref="Storage.Release"/>, or by the handle's critical finalizer when the storage is collected unreleased.
/// </summary>
/// <remarks>
/// The GC is told about the block (<see cref="GC.AddMemoryPressure"/>) so that, without any scope, unreachable
/// native storages are collected as promptly as managed arrays of the same size.
/// </remarks>
internal sealed unsafe class NativeBuffer : SafeHandle
{
    private readonly long _byteLength;

    public NativeBuffer(long byteLength, int alignment)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _byteLength = byteLength;
        // AlignedAlloc(0) may return null; one byte keeps "null = invalid" unambiguous.
        SetHandle((nint)NativeMemory.AlignedAlloc((nuint)Math.Max(1, byteLength), (nuint)alignment));
        if (byteLength > 0) GC.AddMemoryPressure(byteLength);
    }

    public byte* Pointer => (byte*)handle;

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        if (_byteLength > 0) GC.RemoveMemoryPressure(_byteLength);
        return true;
    }
}
