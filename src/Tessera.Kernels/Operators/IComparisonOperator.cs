using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Operators;

/// <summary>
/// Elementwise comparisons: scalar form gives a bool, vector form a lane mask (all bits set where
/// true). IEEE semantics: every comparison with NaN is false except "not equal".
/// </summary>
internal interface IComparisonOperator<T> where T : unmanaged
{
    static abstract bool Invoke(T x, T y);

    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);

    static abstract Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}
