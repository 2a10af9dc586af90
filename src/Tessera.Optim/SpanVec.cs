using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tessera.Threading;

namespace Tessera.Optim;

/// <summary>
/// Helpers for the fused per-element update kernels: unchecked vector loads/stores, the one dtype dispatch of the
/// optimizers and a parallel range runner. Kernels use plain multiply and add (no FMA) in both their vector and scalar
/// parts, so every element gets the same bits whichever part or chunk handles it: results do not depend on vector
/// width or thread count.
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

    /// <summary>
    /// Runs <paramref name="update"/> over all <paramref name="numel"/> elements of a <paramref name="dtype"/> parameter, split
    /// into deterministic chunks when it is large. Float32 and float64 only.
    /// </summary>
    /// <exception cref="NotSupportedException">For any other dtype, naming the optimizer and the dtype.</exception>
    public static void Run<TUpdate>(string optimizer, DType dtype, long numel, TUpdate update) where TUpdate : struct, IFloatUpdate
    {
        if (numel > int.MaxValue)
            throw new NotSupportedException($"{optimizer}: a parameter of {numel} elements is more than one span can hold ({int.MaxValue}).");
        // Optimizers say more than the generic message: reduced-precision training keeps float32 master weights.
        if (dtype is not (DType.Float32 or DType.Float64)) throw Unsupported(optimizer, dtype);
        DTypeDispatch.Float(dtype, new ChunkedUpdate<TUpdate>((int)numel, update), optimizer);
    }

    private readonly struct ChunkedUpdate<TUpdate>(int n, TUpdate update) : IFloatOp where TUpdate : struct, IFloatUpdate
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => Run<TUpdate, T>(n, update);
    }

    /// <summary>The exception for an optimizer step on a parameter of <paramref name="dtype"/>.</summary>
    public static NotSupportedException Unsupported(string optimizer, DType dtype) =>
        new($"{optimizer} does not support dtype {dtype.Name()}" +
            (dtype.IsReducedPrecision() ? "; keep float32 master weights and convert with .To(DType.Float32)." : "."));

    private static void Run<TUpdate, T>(int n, TUpdate update) where TUpdate : struct, IFloatUpdate where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n < 2 * Grain) update.Run<T>(0, n);
        else Parallelism.For(0, n, Grain, (b, e) => update.Run<T>((int)b, (int)(e - b)));
    }
}
