using System.Runtime.InteropServices;

namespace Tessera.Kernels.Gemm;

/// <summary>
/// Per-thread, 64-byte-aligned packing buffers for the packed GEMMs. Each thread gets one
/// workspace on first use; buffers grow to the largest block seen and are then reused, so steady
/// state GEMM calls allocate nothing. Native memory is freed when the owning thread dies.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    [ThreadStatic] private static GemmWorkspace? _current;

    private void* _a;
    private void* _b;
    private nuint _aBytes;
    private nuint _bBytes;

    /// <summary>The calling thread's workspace.</summary>
    public static GemmWorkspace Current => _current ??= new GemmWorkspace();

    /// <summary>Buffer for packed A of at least <paramref name="bytes"/> bytes.</summary>
    public void* A(nuint bytes) => Ensure(ref _a, ref _aBytes, bytes);

    /// <summary>Buffer for packed B of at least <paramref name="bytes"/> bytes.</summary>
    public void* B(nuint bytes) => Ensure(ref _b, ref _bBytes, bytes);

    private static void* Ensure(ref void* buffer, ref nuint size, nuint bytes)
    {
        if (bytes <= size) return buffer;
        // Round up so small growth steps do not reallocate every call.
        nuint want = Math.Max(bytes, size * 2);
        want = (want + 4095) & ~(nuint)4095;
        NativeMemory.AlignedFree(buffer);
        buffer = null;
        size = 0;
        buffer = NativeMemory.AlignedAlloc(want, 64);
        size = want;
        return buffer;
    }

    ~GemmWorkspace()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
    }
}
