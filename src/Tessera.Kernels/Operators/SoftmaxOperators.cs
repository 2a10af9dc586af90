using System.Numerics;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Operators;

/// <summary>Per-row operators of the softmax and cross-entropy kernels.</summary>
internal static class SoftmaxOperators
{
    /// <summary>x -> (x - m) - lse, the log-softmax output.</summary>
    internal readonly struct LogSoftmaxOutput<T>(T max, T logSum) : IUnaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        private readonly T _m = max, _lse = logSum;
        public static bool Vectorizable => true;
        public T Invoke(T x) => (x - _m) - _lse;
        public Vector256<T> Invoke(Vector256<T> x) => (x - Vector256.Create(_m)) - Vector256.Create(_lse);
        public Vector512<T> Invoke(Vector512<T> x) => (x - Vector512.Create(_m)) - Vector512.Create(_lse);
    }

    /// <summary>(g, y) -> (g - d) * y with d = Σ g y: the softmax backward.</summary>
    internal readonly struct SoftmaxGrad<T>(T dot) : IBinaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        private readonly T _d = dot;
        public static bool Vectorizable => true;
        public T Invoke(T g, T y) => (g - _d) * y;
        public Vector256<T> Invoke(Vector256<T> g, Vector256<T> y) => (g - Vector256.Create(_d)) * y;
        public Vector512<T> Invoke(Vector512<T> g, Vector512<T> y) => (g - Vector512.Create(_d)) * y;
    }

    /// <summary>(g, y) -> g - e^y * s with s = Σ g: the log-softmax backward.</summary>
    internal readonly struct LogSoftmaxGrad<T>(T sum) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _s = sum;
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T g, T y) => g - T.Exp(y) * _s;
        public Vector256<T> Invoke(Vector256<T> g, Vector256<T> y) => g - VectorMath.Exp(y) * Vector256.Create(_s);
        public Vector512<T> Invoke(Vector512<T> g, Vector512<T> y) => g - VectorMath.Exp(y) * Vector512.Create(_s);
    }

    /// <summary>
    /// (logp, w) -> a * e^logp - b * w: the cross-entropy gradient row before the target term,
    /// a = g((1-eps) w_t + eps W / C), b = g eps / C.
    /// </summary>
    internal readonly struct CrossEntropyGrad<T>(T a, T b) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _a = a, _b = b;
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T logp, T w) => _a * T.Exp(logp) - _b * w;
        public Vector256<T> Invoke(Vector256<T> logp, Vector256<T> w) => Vector256.Create(_a) * VectorMath.Exp(logp) - Vector256.Create(_b) * w;
        public Vector512<T> Invoke(Vector512<T> logp, Vector512<T> w) => Vector512.Create(_a) * VectorMath.Exp(logp) - Vector512.Create(_b) * w;
    }

    /// <summary>logp -> a * e^logp - b: <see cref="CrossEntropyGrad{T}"/> without class weights.</summary>
    internal readonly struct CrossEntropyGradUniform<T>(T a, T b) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _a = a, _b = b;
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T logp) => _a * T.Exp(logp) - _b;
        public Vector256<T> Invoke(Vector256<T> logp) => Vector256.Create(_a) * VectorMath.Exp(logp) - Vector256.Create(_b);
        public Vector512<T> Invoke(Vector512<T> logp) => Vector512.Create(_a) * VectorMath.Exp(logp) - Vector512.Create(_b);
    }

    /// <summary>(g, y, d) -> (g - d) * y with a per-element d (softmax backward along a non-last axis).</summary>
    internal readonly struct SoftmaxGradVector<T> : ITernaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T g, T y, T d) => (g - d) * y;
        public Vector256<T> Invoke(Vector256<T> g, Vector256<T> y, Vector256<T> d) => (g - d) * y;
        public Vector512<T> Invoke(Vector512<T> g, Vector512<T> y, Vector512<T> d) => (g - d) * y;
    }

    /// <summary>(g, y, s) -> g - e^y * s with a per-element s (log-softmax backward along a non-last axis).</summary>
    internal readonly struct LogSoftmaxGradVector<T> : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T g, T y, T s) => g - T.Exp(y) * s;
        public Vector256<T> Invoke(Vector256<T> g, Vector256<T> y, Vector256<T> s) => g - VectorMath.Exp(y) * s;
        public Vector512<T> Invoke(Vector512<T> g, Vector512<T> y, Vector512<T> s) => g - VectorMath.Exp(y) * s;
    }
}
