using System.Numerics;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Operators;

/// <summary>Operators of the layer-norm and batch-norm kernels.</summary>
internal static class NormOperators
{
    /// <summary>x -> (x - mean) * rstd.</summary>
    internal readonly struct Normalize<T>(T mean, T rstd) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _m = mean, _r = rstd;
        public static bool Vectorizable => true;
        public T Invoke(T x) => (x - _m) * _r;
        public Vector256<T> Invoke(Vector256<T> x) => (x - Vector256.Create(_m)) * Vector256.Create(_r);
        public Vector512<T> Invoke(Vector512<T> x) => (x - Vector512.Create(_m)) * Vector512.Create(_r);
    }

    /// <summary>(x, gamma) -> (x - mean) * rstd * gamma.</summary>
    internal readonly struct NormalizeScale<T>(T mean, T rstd) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _m = mean, _r = rstd;
        public static bool Vectorizable => true;
        public T Invoke(T x, T g) => (x - _m) * _r * g;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> g) => (x - Vector256.Create(_m)) * Vector256.Create(_r) * g;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> g) => (x - Vector512.Create(_m)) * Vector512.Create(_r) * g;
    }

    /// <summary>(x, beta) -> (x - mean) * rstd + beta.</summary>
    internal readonly struct NormalizeShift<T>(T mean, T rstd) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _m = mean, _r = rstd;
        public static bool Vectorizable => true;
        public T Invoke(T x, T b) => (x - _m) * _r + b;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> b) => (x - Vector256.Create(_m)) * Vector256.Create(_r) + b;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> b) => (x - Vector512.Create(_m)) * Vector512.Create(_r) + b;
    }

    /// <summary>(x, gamma, beta) -> (x - mean) * rstd * gamma + beta.</summary>
    internal readonly struct NormalizeAffine<T>(T mean, T rstd) : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _m = mean, _r = rstd;
        public static bool Vectorizable => true;
        public T Invoke(T x, T g, T b) => (x - _m) * _r * g + b;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> g, Vector256<T> b) => (x - Vector256.Create(_m)) * Vector256.Create(_r) * g + b;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> g, Vector512<T> b) => (x - Vector512.Create(_m)) * Vector512.Create(_r) * g + b;
    }

    /// <summary>(x, alpha, beta) -> x * alpha + beta (batch-norm transform with per-channel alpha, beta).</summary>
    internal readonly struct ScaleShift<T> : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x, T a, T b) => x * a + b;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> a, Vector256<T> b) => x * a + b;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> a, Vector512<T> b) => x * a + b;
    }

    /// <summary>x -> x * alpha + beta for scalar alpha, beta.</summary>
    internal readonly struct ScaleShiftScalar<T>(T alpha, T beta) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _a = alpha, _b = beta;
        public static bool Vectorizable => true;
        public T Invoke(T x) => x * _a + _b;
        public Vector256<T> Invoke(Vector256<T> x) => x * Vector256.Create(_a) + Vector256.Create(_b);
        public Vector512<T> Invoke(Vector512<T> x) => x * Vector512.Create(_a) + Vector512.Create(_b);
    }

    /// <summary>(g, x) -> g * (x - mean).</summary>
    internal readonly struct CenteredProduct<T>(T mean) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _m = mean;
        public static bool Vectorizable => true;
        public T Invoke(T g, T x) => g * (x - _m);
        public Vector256<T> Invoke(Vector256<T> g, Vector256<T> x) => g * (x - Vector256.Create(_m));
        public Vector512<T> Invoke(Vector512<T> g, Vector512<T> x) => g * (x - Vector512.Create(_m));
    }

    /// <summary>(g, x, mean) -> g * (x - mean) with a per-element mean.</summary>
    internal readonly struct CenteredProductVector<T> : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T g, T x, T m) => g * (x - m);
        public Vector256<T> Invoke(Vector256<T> g, Vector256<T> x, Vector256<T> m) => g * (x - m);
        public Vector512<T> Invoke(Vector512<T> g, Vector512<T> x, Vector512<T> m) => g * (x - m);
    }

    /// <summary>(acc, g, x) -> acc + g * (x - mean) * rstd: accumulates a dgamma row.</summary>
    internal readonly struct AccumulateScaleGrad<T>(T mean, T rstd) : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _m = mean, _r = rstd;
        public static bool Vectorizable => true;
        public T Invoke(T acc, T g, T x) => acc + g * ((x - _m) * _r);
        public Vector256<T> Invoke(Vector256<T> acc, Vector256<T> g, Vector256<T> x) => acc + g * ((x - Vector256.Create(_m)) * Vector256.Create(_r));
        public Vector512<T> Invoke(Vector512<T> acc, Vector512<T> g, Vector512<T> x) => acc + g * ((x - Vector512.Create(_m)) * Vector512.Create(_r));
    }

    /// <summary>
    /// (gg, x) -> rstd * (gg - a - (x - mean) * rstd * b): the layer-norm input gradient with
    /// gg = g * gamma, a = mean of gg, b = mean of gg * xhat.
    /// </summary>
    internal readonly struct LayerNormGradInput<T>(T mean, T rstd, T a, T b) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _m = mean, _r = rstd, _a = a, _b = b;
        public static bool Vectorizable => true;
        public T Invoke(T gg, T x) => _r * (gg - _a - (x - _m) * _r * _b);
        public Vector256<T> Invoke(Vector256<T> gg, Vector256<T> x) =>
            Vector256.Create(_r) * (gg - Vector256.Create(_a) - (x - Vector256.Create(_m)) * Vector256.Create(_r) * Vector256.Create(_b));
        public Vector512<T> Invoke(Vector512<T> gg, Vector512<T> x) =>
            Vector512.Create(_r) * (gg - Vector512.Create(_a) - (x - Vector512.Create(_m)) * Vector512.Create(_r) * Vector512.Create(_b));
    }

    /// <summary>
    /// (g, x) -> (g - (x - mean) * proj - gmean) * scale: the training batch-norm input gradient for
    /// one channel (proj = Σ g(x - mean) invstd^2 / M, gmean = Σ g / M, scale = invstd * gamma).
    /// </summary>
    internal readonly struct BatchNormGradInput<T>(T mean, T proj, T gradMean, T scale) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _m = mean, _p = proj, _gm = gradMean, _s = scale;
        public static bool Vectorizable => true;
        public T Invoke(T g, T x) => (g - (x - _m) * _p - _gm) * _s;
        public Vector256<T> Invoke(Vector256<T> g, Vector256<T> x) =>
            (g - (x - Vector256.Create(_m)) * Vector256.Create(_p) - Vector256.Create(_gm)) * Vector256.Create(_s);
        public Vector512<T> Invoke(Vector512<T> g, Vector512<T> x) =>
            (g - (x - Vector512.Create(_m)) * Vector512.Create(_p) - Vector512.Create(_gm)) * Vector512.Create(_s);
    }
}
