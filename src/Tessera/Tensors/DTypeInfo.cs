namespace Tessera;

/// <summary>Facts about each <see cref="DType"/>.</summary>
public static class DTypeInfo
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Bool => 1,
        DType.Int32 => 4,
        DType.Int64 => 8,
        DType.Float32 => 4,
        DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>True for Float32 and Float64.</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>PyTorch-style name, e.g. <c>float32</c>.</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Bool => "bool",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        _ => dtype.ToString(),
    };

    /// <summary>The dtype that holds both operands of a binary op (bool &lt; int32 &lt; int64 &lt; float32 &lt; float64).</summary>
    public static DType Promote(DType a, DType b) => (DType)Math.Max((int)a, (int)b);

    internal static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(bool) || typeof(T) == typeof(byte)) return DType.Bool;
        throw new NotSupportedException($"No Tessera dtype for CLR type {typeof(T).Name}.");
    }
}
