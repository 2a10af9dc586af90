using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Operators;

/// <summary>
/// An elementwise function of one operand, in scalar and vector form. Implementations are small
/// readonly structs; a parameter (a slope, a bound, a bound scalar operand) lives in a field, and
/// the drivers are generic over the struct so every call inlines.
/// </summary>
internal interface IUnaryOperator<T> where T : unmanaged
{
    /// <summary>False when only <see cref="Invoke(T)"/> may be used for this <typeparamref name="T"/>.</summary>
    static abstract bool Vectorizable { get; }

    T Invoke(T x);

    Vector256<T> Invoke(Vector256<T> x);

    Vector512<T> Invoke(Vector512<T> x);
}
