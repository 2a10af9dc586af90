using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Operators;

/// <summary>An elementwise function of two operands; see <see cref="IUnaryOperator{T}"/>.</summary>
internal interface IBinaryOperator<T> where T : unmanaged
{
    static abstract bool Vectorizable { get; }

    T Invoke(T x, T y);

    Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);

    Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}
