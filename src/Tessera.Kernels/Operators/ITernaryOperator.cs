using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Operators;

/// <summary>An elementwise function of three operands; see <see cref="IUnaryOperator{T}"/>.</summary>
internal interface ITernaryOperator<T> where T : unmanaged
{
    static abstract bool Vectorizable { get; }

    T Invoke(T x, T y, T z);

    Vector256<T> Invoke(Vector256<T> x, Vector256<T> y, Vector256<T> z);

    Vector512<T> Invoke(Vector512<T> x, Vector512<T> y, Vector512<T> z);
}
