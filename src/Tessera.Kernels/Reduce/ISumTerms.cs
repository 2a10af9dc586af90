using System.Numerics;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Reduce;

/// <summary>
/// What the cascaded sum of <see cref="ReductionCore"/> adds up at element i of one row x (and a second
/// row y where the terms need one): op(x_i, s), op(x_i, y_i) or x_i·y_i. Implementations are small
/// structs whose members inline into the one cascade loop, so every sum shares the same order.
/// </summary>
internal interface ISumTerms<T> where T : unmanaged, INumberBase<T>
{
    /// <summary>False when only the scalar term may be used for this <typeparamref name="T"/>.</summary>
    static abstract bool Vectorizable { get; }

    /// <summary>
    /// Four 256-bit accumulators per chunk instead of two. Each sum has always used its own count, and
    /// the count decides the bits, so it stays a property of the terms.
    /// </summary>
    static abstract bool FourAccumulators256 { get; }

    /// <summary>The term at element i.</summary>
    T Term(ref T x, ref T y, nint i);

    /// <summary>The terms at elements [i, i + lanes).</summary>
    Vector512<T> Term512(ref T x, ref T y, nint i);

    /// <summary>The terms at elements [i, i + lanes).</summary>
    Vector256<T> Term256(ref T x, ref T y, nint i);

    /// <summary>acc plus the terms at [i, i + lanes) (a fused multiply-add where the terms are products).</summary>
    Vector512<T> Accumulate(Vector512<T> acc, ref T x, ref T y, nint i);

    /// <summary>acc plus the terms at [i, i + lanes).</summary>
    Vector256<T> Accumulate(Vector256<T> acc, ref T x, ref T y, nint i);
}
