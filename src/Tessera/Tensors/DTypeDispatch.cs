using System.Numerics;

namespace Tessera;

/// <summary>An operation written once as a generic method over a floating-point element type.</summary>
/// <remarks>
/// Implement it as a small struct that carries the operation's arguments (a primary-constructor
/// <c>readonly struct</c>), then run it with <see cref="DTypeDispatch.Float{TOp}(DType, TOp, string)"/>.
/// </remarks>
public interface IFloatOp
{
    /// <summary>Runs the operation with <typeparamref name="T"/> as the element type.</summary>
    void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A floating-point operation that returns a value (a loss denominator, a norm, ...).</summary>
public interface IFloatFunc<out TResult>
{
    /// <summary>Runs the operation with <typeparamref name="T"/> as the element type.</summary>
    TResult Run<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An operation written once as a generic method over any numeric element type (bool reads as byte).</summary>
public interface INumberOp
{
    /// <summary>Runs the operation with <typeparamref name="T"/> as the element type.</summary>
    void Run<T>() where T : unmanaged, INumber<T>;
}

/// <summary>An operation that only moves elements, written once per element size.</summary>
public interface IRawOp
{
    /// <summary>Runs the operation with <typeparamref name="T"/> as an opaque element of the dtype's size.</summary>
    void Run<T>() where T : unmanaged;
}

/// <summary>
/// The one place where a <see cref="DType"/> value becomes a CLR element type (public, so optimizers and kernels written
/// outside Tessera dispatch the same way over <see cref="Tensor.AsSpan{T}"/>). Ops are written once as generic
/// methods (<see cref="IFloatOp"/>, <see cref="INumberOp"/>, <see cref="IRawOp"/>) and dispatched here; every dtype
/// an op cannot handle ends in <see cref="Unsupported"/>, which names the op and the dtype.
/// </summary>
public static class DTypeDispatch
{
    /// <summary>Runs <paramref name="op"/> for float32 or float64 tensors.</summary>
    /// <exception cref="NotSupportedException">For any other dtype (float16/bfloat16 compute in float32: convert first).</exception>
    public static void Float<TOp>(DType dtype, TOp op, string opName) where TOp : struct, IFloatOp
    {
        switch (dtype)
        {
            case DType.Float32: op.Run<float>(); break;
            case DType.Float64: op.Run<double>(); break;
            default: throw Unsupported(opName, dtype);
        }
    }

    /// <summary>Runs <paramref name="op"/> for float32 or float64 tensors and returns its result.</summary>
    /// <exception cref="NotSupportedException">For any other dtype.</exception>
    public static TResult Float<TOp, TResult>(DType dtype, TOp op, string opName) where TOp : struct, IFloatFunc<TResult> => dtype switch
    {
        DType.Float32 => op.Run<float>(),
        DType.Float64 => op.Run<double>(),
        _ => throw Unsupported(opName, dtype),
    };

    /// <summary>Runs <paramref name="op"/> for any numeric dtype with a native CLR arithmetic type (not float16/bfloat16).</summary>
    public static void Number<TOp>(DType dtype, TOp op, string opName) where TOp : struct, INumberOp
    {
        switch (dtype)
        {
            case DType.Float32: op.Run<float>(); break;
            case DType.Float64: op.Run<double>(); break;
            case DType.Int64: op.Run<long>(); break;
            case DType.Int32: op.Run<int>(); break;
            case DType.Int16: op.Run<short>(); break;
            case DType.Int8: op.Run<sbyte>(); break;
            case DType.UInt8 or DType.Bool: op.Run<byte>(); break;
            default: throw Unsupported(opName, dtype);
        }
    }

    /// <summary>Runs <paramref name="op"/> with an opaque element type of the dtype's size (copies, gathers, selects).</summary>
    public static void Raw<TOp>(DType dtype, TOp op, string opName) where TOp : struct, IRawOp
    {
        switch (dtype.ElementSize())
        {
            case 1: op.Run<byte>(); break;
            case 2: op.Run<ushort>(); break;
            case 4: op.Run<uint>(); break;
            case 8: op.Run<ulong>(); break;
            default: throw Unsupported(opName, dtype);
        }
    }

    /// <summary>The exception for an op that does not support <paramref name="dtype"/>.</summary>
    public static NotSupportedException Unsupported(string opName, DType dtype) =>
        new($"{opName} does not support dtype {dtype.Traits().Name}" +
            (dtype.IsReducedPrecision() ? "; convert with .To(DType.Float32) first." : "."));
}
