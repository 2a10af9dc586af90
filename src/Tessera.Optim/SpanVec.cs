using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tessera.Threading;

namespace Tessera.Optim;

/// <summary>
/// Helpers for the fused per-element update kernels: unchecked vector loads/stores and a parallel range
/// runner. Kernels use plain multiply and add (no FMA) in both their vector and scalar parts, so every element
/// gets the same bits whichever part or chunk handles it: results do not depend on vector width or thread count.
/// </summary>
internal static class SpanVec
{
    /// <summary>Elements per parallel chunk: an update touches 3–5 arrays, so smaller tensors stay on one thread.</summary>
    public const int Grain = 1 << 15;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Load<T>(ReadOnlySpan<T> s, int i) => Vector.LoadUnsafe(ref MemoryMarshal.GetReference(s), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Load<T>(Span<T> s, int i) => Vector.LoadUnsafe(ref MemoryMarshal.GetReference(s), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector<T> v, Span<T> s, int i) => v.StoreUnsafe(ref MemoryMarshal.GetReference(s), (nuint)i);

    /// <summary>Runs <paramref name="body"/>(start, count) over [0, n), split into deterministic chunks when n is large.</summary>
    public static void Run(int n, Action<int, int> body)
    {
        if (n < 2 * Grain) body(0, n);
        else Parallelism.For(0, n, Grain, (b, e) => body((int)b, (int)(e - b)));
    }
}
