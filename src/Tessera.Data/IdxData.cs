namespace Tessera.Data;

/// <summary>
/// The content of an IDX file: its element type, its shape and the elements in row-major order as a
/// typed array (<c>byte[]</c>, <c>sbyte[]</c>, <c>short[]</c>, <c>int[]</c>, <c>float[]</c> or <c>double[]</c>,
/// following <see cref="Type"/>), already converted to the machine's byte order.
/// </summary>
public sealed class IdxData
{
    /// <summary>Wraps <paramref name="data"/>; its length must be the product of <paramref name="shape"/> and its element type must match <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">When the array does not match the type or shape.</exception>
    public IdxData(IdxDataType type, int[] shape, Array data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (data.GetType() != Idx.ArrayTypeOf(type))
            throw new ArgumentException($"IDX type {type} needs a {Idx.ArrayTypeOf(type).Name}, got {data.GetType().Name}.", nameof(data));
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"IDX dimensions must be non-negative, got [{string.Join(", ", shape)}].", nameof(shape));
            n *= d;
            if (n > Array.MaxLength) throw new ArgumentException($"IDX shape [{string.Join(", ", shape)}] is too large.", nameof(shape));
        }
        if (n != data.Length) throw new ArgumentException($"Shape [{string.Join(", ", shape)}] needs {n} elements, the array has {data.Length}.", nameof(data));
        Type = type;
        Shape = (int[])shape.Clone();
        Data = data;
    }

    /// <summary>Element type.</summary>
    public IdxDataType Type { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Elements in row-major order, typed after <see cref="Type"/>.</summary>
    public Array Data { get; }

    /// <summary>Number of elements.</summary>
    public int Length => Data.Length;

    /// <summary>The elements as <typeparamref name="T"/>[].</summary>
    /// <exception cref="InvalidOperationException">When <typeparamref name="T"/> is not the element type.</exception>
    public T[] As<T>() => Data as T[] ?? throw new InvalidOperationException($"IDX data is {Data.GetType().Name}, not {typeof(T).Name}[].");
}
