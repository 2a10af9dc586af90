using Tessera.IO;

namespace Tessera.Testing.Fixtures;

/// <summary>
/// One fixture tensor, copied out of the file: shape plus exactly one of <see cref="Doubles"/>,
/// <see cref="Longs"/>, <see cref="Bools"/> according to <see cref="DType"/>.
/// </summary>
public sealed class FixtureTensor
{
    internal FixtureTensor(string name, SafeTensorsDType dtype, long[] shape, double[]? doubles, long[]? longs, bool[]? bools)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Doubles = doubles;
        Longs = longs;
        Bools = bools;
    }

    /// <summary>Full tensor name in the file, e.g. <c>"bcast.in1"</c>.</summary>
    public string Name { get; }

    /// <summary>F64 (float data), I64 (indices/targets) or BOOL (masks, comparison outputs).</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The shape (empty for a scalar).</summary>
    public long[] Shape { get; }

    /// <summary>The shape as ints (fixtures are small).</summary>
    public int[] ShapeInts => Array.ConvertAll(Shape, d => checked((int)d));

    /// <summary>Number of elements.</summary>
    public long Length => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Data of an F64 tensor; null otherwise.</summary>
    public double[]? Doubles { get; }

    /// <summary>Data of an I64 tensor; null otherwise.</summary>
    public long[]? Longs { get; }

    /// <summary>Data of a BOOL tensor; null otherwise.</summary>
    public bool[]? Bools { get; }

    /// <summary>True for F64 data.</summary>
    public bool IsFloat => Doubles is not null;

    /// <summary>The data as doubles whatever the dtype (bools as 0/1).</summary>
    public double[] AsDoubles() =>
        Doubles is not null ? (double[])Doubles.Clone()
        : Longs is not null ? Array.ConvertAll(Longs, v => (double)v)
        : Array.ConvertAll(Bools!, v => v ? 1.0 : 0.0);

    /// <summary>The data rounded to float (for the Float32 path; compare with looser tolerances).</summary>
    public float[] AsSingles() => Array.ConvertAll(AsDoubles(), v => (float)v);

    /// <summary>The data of an I64 tensor.</summary>
    /// <exception cref="InvalidOperationException">Not I64.</exception>
    public long[] AsLongs() => Longs is not null ? (long[])Longs.Clone()
        : throw new InvalidOperationException($"Fixture tensor '{Name}' is {SafeTensorsDTypeInfo.GetName(DType)}, not I64.");

    /// <summary>The data of a BOOL tensor.</summary>
    /// <exception cref="InvalidOperationException">Not BOOL.</exception>
    public bool[] AsBools() => Bools is not null ? (bool[])Bools.Clone()
        : throw new InvalidOperationException($"Fixture tensor '{Name}' is {SafeTensorsDTypeInfo.GetName(DType)}, not BOOL.");

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {SafeTensorsDTypeInfo.GetName(DType)}[{string.Join(", ", Shape)}]";

    internal static FixtureTensor Read(SafeTensorsFile file, SafeTensorEntry entry)
    {
        var shape = entry.ToShapeArray();
        return entry.DType switch
        {
            SafeTensorsDType.F64 => new FixtureTensor(entry.Name, entry.DType, shape, file.GetFloat64(entry.Name), null, null),
            SafeTensorsDType.I64 => new FixtureTensor(entry.Name, entry.DType, shape, null, file.GetInt64(entry.Name), null),
            SafeTensorsDType.Bool => new FixtureTensor(entry.Name, entry.DType, shape, null, null, file.GetBool(entry.Name)),
            _ => throw new InvalidDataException(
                $"Fixture tensor '{entry.Name}' has dtype {SafeTensorsDTypeInfo.GetName(entry.DType)}; fixtures use F64, I64 and BOOL only."),
        };
    }
}
