namespace Tessera.IO;

/// <summary>One tensor's header entry: name, dtype, shape and byte range within the data section.</summary>
public sealed class SafeTensorEntry
{
    private readonly long[] _shape;

    internal SafeTensorEntry(string name, SafeTensorsDType dtype, long[] shape, long elementCount, long dataBegin, long dataEnd)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        Shape = Array.AsReadOnly(shape);
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor name (header key).</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Product of the shape (1 for a scalar, 0 when any dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>Start of the tensor's bytes, relative to the start of the data section.</summary>
    public long DataBegin { get; }

    /// <summary>End (exclusive) of the tensor's bytes, relative to the start of the data section.</summary>
    public long DataEnd { get; }

    /// <summary>Number of bytes of data (<see cref="DataEnd"/> - <see cref="DataBegin"/>).</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>A fresh copy of the shape.</summary>
    public long[] ToShapeArray() => _shape.AsSpan().ToArray();

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {SafeTensorsDTypeInfo.GetName(DType)}[{string.Join(", ", _shape)}] @ [{DataBegin}, {DataEnd})";
}
