using System.Runtime.InteropServices;

namespace Tessera.IO;

/// <summary>
/// Tensor-level safetensors: save a name → tensor map and load it back. Files are validated by the strict
/// <see cref="SafeTensorsFile"/> reader and written atomically by <see cref="SafeTensorsWriter"/>.
/// </summary>
/// <remarks>
/// Loading maps F32, F64, I64, I32 and BOOL directly; F16 and BF16 widen to Float32; I16, I8 and U8 widen to Int32.
/// Other dtypes (F8 variants, unsigned 32/64-bit, complex) raise a <see cref="NotSupportedException"/> naming the tensor.
/// </remarks>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> (and optional string metadata) to <paramref name="path"/> atomically.</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var writer = new SafeTensorsWriter();
        if (metadata is not null)
            foreach (var (k, v) in metadata) writer.Metadata[k] = v;
        foreach (var (name, tensor) in tensors)
        {
            var t = tensor.Detach().Contiguous();
            long[] shape = Array.ConvertAll(t.ShapeArray(), d => (long)d);
            var dtype = t.DType switch
            {
                DType.Float32 => SafeTensorsDType.F32,
                DType.Float64 => SafeTensorsDType.F64,
                DType.Int64 => SafeTensorsDType.I64,
                DType.Int32 => SafeTensorsDType.I32,
                _ => SafeTensorsDType.Bool,
            };
            writer.Add(name, dtype, shape, t.Storage.Bytes.Slice(t.Offset * t.DType.ElementSize(), t.Numel * t.DType.ElementSize()));
        }
        writer.Save(path);
    }

    /// <summary>Reads every tensor of a safetensors file, in header order.</summary>
    /// <exception cref="SafeTensorsFormatException">When the file is malformed.</exception>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    /// <summary>Reads every tensor of a safetensors file and its metadata.</summary>
    /// <exception cref="SafeTensorsFormatException">When the file is malformed.</exception>
    public static Dictionary<string, Tensor> Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        using var file = SafeTensorsFile.Read(path);
        metadata = new Dictionary<string, string>(file.Metadata);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var e in file.Entries)
        {
            int[] shape = Array.ConvertAll(e.ToShapeArray(), d => checked((int)d));
            result[e.Name] = e.DType switch
            {
                SafeTensorsDType.F32 => Tensor.FromSpan(MemoryMarshal.Cast<byte, float>(file.GetBytes(e)), shape),
                SafeTensorsDType.F64 => Tensor.FromSpan(MemoryMarshal.Cast<byte, double>(file.GetBytes(e)), shape),
                SafeTensorsDType.I64 => Tensor.FromSpan(MemoryMarshal.Cast<byte, long>(file.GetBytes(e)), shape),
                SafeTensorsDType.I32 => Tensor.FromSpan(MemoryMarshal.Cast<byte, int>(file.GetBytes(e)), shape),
                SafeTensorsDType.Bool => Tensor.FromArray(file.GetBool(e.Name), shape),
                SafeTensorsDType.F16 => Tensor.FromArray(Array.ConvertAll(file.GetFloat16(e.Name), h => (float)h), shape),
                SafeTensorsDType.BF16 => Tensor.FromArray(Bf16ToFloat(file.GetBytes(e)), shape),
                SafeTensorsDType.I16 => Tensor.FromArray(Array.ConvertAll(file.GetInt16(e.Name), v => (int)v), shape),
                SafeTensorsDType.I8 => Tensor.FromArray(Array.ConvertAll(file.GetInt8(e.Name), v => (int)v), shape),
                SafeTensorsDType.U8 => Tensor.FromArray(Array.ConvertAll(file.GetUInt8(e.Name), v => (int)v), shape),
                _ => throw new NotSupportedException($"Tensor '{e.Name}' in '{path}' has dtype {SafeTensorsDTypeInfo.GetName(e.DType)}, which Tessera tensors cannot hold."),
            };
        }
        return result;
    }

    private static float[] Bf16ToFloat(ReadOnlySpan<byte> bytes)
    {
        var bits = MemoryMarshal.Cast<byte, ushort>(bytes);
        var result = new float[bits.Length];
        for (int i = 0; i < bits.Length; i++) result[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
        return result;
    }
}
