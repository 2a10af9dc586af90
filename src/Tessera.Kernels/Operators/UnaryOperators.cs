using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels.Operators;

/// <summary>Unary math and activation operators (forward).</summary>
/// <remarks>
/// Operators whose vector form exists only for float say so in <c>Vectorizable</c>; the double
/// instantiation then runs the scalar form (erf, gelu, tanh).
/// </remarks>
internal static class UnaryOperators
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T C<T>(double v) where T : INumberBase<T> => T.CreateTruncating(v);

    internal readonly struct Identity<T> : IUnaryOperator<T> where T : unmanaged
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => x;
        public Vector256<T> Invoke(Vector256<T> x) => x;
        public Vector512<T> Invoke(Vector512<T> x) => x;
    }

    internal readonly struct Negate<T> : IUnaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => -x;
        public Vector256<T> Invoke(Vector256<T> x) => -x;
        public Vector512<T> Invoke(Vector512<T> x) => -x;
    }

    internal readonly struct Abs<T> : IUnaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => T.Abs(x);
        public Vector256<T> Invoke(Vector256<T> x) => Vector256.Abs(x);
        public Vector512<T> Invoke(Vector512<T> x) => Vector512.Abs(x);
    }

    /// <summary>1 for x &gt; 0, -1 for x &lt; 0, x itself otherwise (so ±0 and NaN pass through, as in PyTorch).</summary>
    internal readonly struct Sign<T> : IUnaryOperator<T> where T : unmanaged, INumber<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => x > T.Zero ? T.One : x < T.Zero ? -T.One : x;
        public Vector256<T> Invoke(Vector256<T> x) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), Vector256<T>.One,
                Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), -Vector256<T>.One, x));
        public Vector512<T> Invoke(Vector512<T> x) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), Vector512<T>.One,
                Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<T>.Zero), -Vector512<T>.One, x));
    }

    internal readonly struct Square<T> : IUnaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => x * x;
        public Vector256<T> Invoke(Vector256<T> x) => x * x;
        public Vector512<T> Invoke(Vector512<T> x) => x * x;
    }

    internal readonly struct Cube<T> : IUnaryOperator<T> where T : unmanaged, INumberBase<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => x * x * x;
        public Vector256<T> Invoke(Vector256<T> x) => x * x * x;
        public Vector512<T> Invoke(Vector512<T> x) => x * x * x;
    }

    internal readonly struct Reciprocal<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => T.One / x;
        public Vector256<T> Invoke(Vector256<T> x) => Vector256<T>.One / x;
        public Vector512<T> Invoke(Vector512<T> x) => Vector512<T>.One / x;
    }

    /// <summary>1/(x*x), PyTorch's pow(x, -2).</summary>
    internal readonly struct ReciprocalSquare<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => T.One / (x * x);
        public Vector256<T> Invoke(Vector256<T> x) => Vector256<T>.One / (x * x);
        public Vector512<T> Invoke(Vector512<T> x) => Vector512<T>.One / (x * x);
    }

    internal readonly struct Sqrt<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => T.Sqrt(x);
        public Vector256<T> Invoke(Vector256<T> x) => Vector256.Sqrt(x);
        public Vector512<T> Invoke(Vector512<T> x) => Vector512.Sqrt(x);
    }

    /// <summary>1/sqrt(x), computed exactly as the two IEEE operations (no estimate instruction).</summary>
    internal readonly struct Rsqrt<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => T.One / T.Sqrt(x);
        public Vector256<T> Invoke(Vector256<T> x) => Vector256<T>.One / Vector256.Sqrt(x);
        public Vector512<T> Invoke(Vector512<T> x) => Vector512<T>.One / Vector512.Sqrt(x);
    }

    internal readonly struct Exp<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T x) => T.Exp(x);
        public Vector256<T> Invoke(Vector256<T> x) => VectorMath.Exp(x);
        public Vector512<T> Invoke(Vector512<T> x) => VectorMath.Exp(x);
    }

    internal readonly struct Log<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T x) => T.Log(x);
        public Vector256<T> Invoke(Vector256<T> x) => VectorMath.Log(x);
        public Vector512<T> Invoke(Vector512<T> x) => VectorMath.Log(x);
    }

    internal readonly struct Erf<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => typeof(T) == typeof(float);
        public T Invoke(T x) => ScalarMath.Erf(x);
        public Vector256<T> Invoke(Vector256<T> x) => VectorMath.Erf(x.AsSingle()).As<float, T>();
        public Vector512<T> Invoke(Vector512<T> x) => VectorMath.Erf(x.AsSingle()).As<float, T>();
    }

    internal readonly struct Tanh<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => typeof(T) == typeof(float);
        public T Invoke(T x) => T.Tanh(x);
        public Vector256<T> Invoke(Vector256<T> x) => VectorMath.Tanh(x.AsSingle()).As<float, T>();
        public Vector512<T> Invoke(Vector512<T> x) => VectorMath.Tanh(x.AsSingle()).As<float, T>();
    }

    internal readonly struct Sigmoid<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T x) => T.One / (T.One + T.Exp(-x));
        public Vector256<T> Invoke(Vector256<T> x) => VectorMath.Sigmoid(x);
        public Vector512<T> Invoke(Vector512<T> x) => VectorMath.Sigmoid(x);
    }

    /// <summary>min(max(x, lo), hi), NaN-propagating; an absent bound is passed as -inf / +inf.</summary>
    internal readonly struct Clamp<T>(T lo, T hi) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _lo = lo, _hi = hi;
        public static bool Vectorizable => true;
        public T Invoke(T x) => T.Min(T.Max(x, _lo), _hi);
        public Vector256<T> Invoke(Vector256<T> x) => Vector256.Min(Vector256.Max(x, Vector256.Create(_lo)), Vector256.Create(_hi));
        public Vector512<T> Invoke(Vector512<T> x) => Vector512.Min(Vector512.Max(x, Vector512.Create(_lo)), Vector512.Create(_hi));
    }

    /// <summary>x &lt; 0 ? 0 : x, so NaN and -0 pass through as in PyTorch.</summary>
    internal readonly struct Relu<T> : IUnaryOperator<T> where T : unmanaged, INumber<T>
    {
        public static bool Vectorizable => true;
        public T Invoke(T x) => x < T.Zero ? T.Zero : x;
        public Vector256<T> Invoke(Vector256<T> x) => Vector256.AndNot(x, Vector256.LessThan(x, Vector256<T>.Zero));
        public Vector512<T> Invoke(Vector512<T> x) => Vector512.AndNot(x, Vector512.LessThan(x, Vector512<T>.Zero));
    }

    /// <summary>x &gt; 0 ? x : x*slope.</summary>
    internal readonly struct LeakyRelu<T>(T slope) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _slope = slope;
        public static bool Vectorizable => true;
        public T Invoke(T x) => x > T.Zero ? x : x * _slope;
        public Vector256<T> Invoke(Vector256<T> x) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), x, x * Vector256.Create(_slope));
        public Vector512<T> Invoke(Vector512<T> x) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, x * Vector512.Create(_slope));
    }

    /// <summary>Exact GELU, x * Phi(x) (= 0.5 x (1 + erf(x/sqrt2))).</summary>
    internal readonly struct Gelu<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => typeof(T) == typeof(float);
        public T Invoke(T x) => x * ScalarMath.NormalCdf(x);
        public Vector256<T> Invoke(Vector256<T> x) => (x.AsSingle() * VectorMath.NormalCdf(x.AsSingle())).As<float, T>();
        public Vector512<T> Invoke(Vector512<T> x) => (x.AsSingle() * VectorMath.NormalCdf(x.AsSingle())).As<float, T>();
    }

    /// <summary>
    /// Tanh-form GELU, 0.5 x (1 + tanh(u)) with u = sqrt(2/pi)(x + 0.044715 x^3), evaluated as the
    /// identical x * sigmoid(2u), which needs one exp and no cancellation.
    /// </summary>
    internal readonly struct GeluTanh<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        internal const double TwoBeta = 2 * 0.79788456080286535588;
        internal const double Kappa = 0.044715;
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T x)
        {
            T u2 = C<T>(TwoBeta) * (x + C<T>(Kappa) * x * x * x);
            return x / (T.One + T.Exp(-u2));
        }
        public Vector256<T> Invoke(Vector256<T> x)
        {
            Vector256<T> u2 = Vector256.Create(C<T>(TwoBeta)) * (x + Vector256.Create(C<T>(Kappa)) * x * x * x);
            return x / (Vector256<T>.One + VectorMath.Exp(-u2));
        }
        public Vector512<T> Invoke(Vector512<T> x)
        {
            Vector512<T> u2 = Vector512.Create(C<T>(TwoBeta)) * (x + Vector512.Create(C<T>(Kappa)) * x * x * x);
            return x / (Vector512<T>.One + VectorMath.Exp(-u2));
        }
    }

    /// <summary>x * sigmoid(x) = x / (1 + e^-x).</summary>
    internal readonly struct Silu<T> : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T x) => x / (T.One + T.Exp(-x));
        public Vector256<T> Invoke(Vector256<T> x) => x / (Vector256<T>.One + VectorMath.Exp(-x));
        public Vector512<T> Invoke(Vector512<T> x) => x / (Vector512<T>.One + VectorMath.Exp(-x));
    }

    /// <summary>
    /// PyTorch softplus: x when beta*x &gt; threshold, else log(1 + e^{beta x})/beta, evaluated as
    /// (max(z, 0) + log1p(e^{-|z|}))/beta so it neither overflows nor loses tiny values.
    /// </summary>
    internal readonly struct Softplus<T>(T beta, T threshold) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _beta = beta, _threshold = threshold;
        public static bool Vectorizable => typeof(T) == typeof(float) || typeof(T) == typeof(double);
        public T Invoke(T x)
        {
            T z = x * _beta;
            return z > _threshold ? x : (T.Max(z, T.Zero) + ScalarMath.Log1pExpNegAbs(z)) / _beta;
        }
        public Vector256<T> Invoke(Vector256<T> x)
        {
            Vector256<T> z = x * Vector256.Create(_beta);
            Vector256<T> sp = (Vector256.Max(z, Vector256<T>.Zero) + VectorMath.Log1pExpNegAbs(z)) / Vector256.Create(_beta);
            return Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256.Create(_threshold)), x, sp);
        }
        public Vector512<T> Invoke(Vector512<T> x)
        {
            Vector512<T> z = x * Vector512.Create(_beta);
            Vector512<T> sp = (Vector512.Max(z, Vector512<T>.Zero) + VectorMath.Log1pExpNegAbs(z)) / Vector512.Create(_beta);
            return Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512.Create(_threshold)), x, sp);
        }
    }

    /// <summary>Constant fill (used for pow(x, 0) = 1, which holds even for NaN x).</summary>
    internal readonly struct Constant<T>(T value) : IUnaryOperator<T> where T : unmanaged
    {
        private readonly T _value = value;
        public static bool Vectorizable => true;
        public T Invoke(T x) => _value;
        public Vector256<T> Invoke(Vector256<T> x) => Vector256.Create(_value);
        public Vector512<T> Invoke(Vector512<T> x) => Vector512.Create(_value);
    }
}
