namespace Tessera.IO;

/// <summary>
/// Tensor-level safetensors: save a name → tensor map and load it back. Files are validated by the strict
/// <see cref="SafeTensorsFile"/> reader and written atomically by <see cref="SafeTensorsWriter"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every Tessera dtype is saved with its own code and loaded back as itself: a BF16 checkpoint stays
/// <see cref="DType.BFloat16"/> in memory (no widening), F16 stays <see cref="DType.Float16"/>, I8/U8/I16 stay
/// <see cref="DType.Int8"/>/<see cref="DType.UInt8"/>/<see cref="DType.Int16"/>. Codes Tessera has no dtype for
/// (F8 variants, unsigned 16/32/64-bit, complex, sub-byte floats) raise a <see cref="NotSupportedException"/> naming the tensor.
/// </para>
/// <para>
/// Loading maps the file by default (<c>mapped: true</c>): each tensor is a zero-copy, read-only view of the
/// file's pages, so loading costs page faults as tensors are first read, not a copy, and the page cache is shared with
/// every other process reading the same weights. That suits what loading is for: weights copied into a model by
/// <c>LoadStateDict</c> (which then needs one copy instead of two) or used directly for inference. Writing to a mapped
/// tensor throws (<see cref="Tensor.IsReadOnly"/>); <see cref="Tensor.Clone"/> makes a writable copy, and
/// <c>mapped: false</c> reads everything into ordinary writable memory. The file may be closed, renamed or (on Linux)
/// deleted while mapped tensors live; it must not be truncated or rewritten in place (Tessera's own writer replaces
/// files atomically, which is safe).
/// </para>
/// <para>
/// A tensor whose data does not start at a multiple of its element size inside the file (allowed by the format,
/// never produced by the reference writers, which pad the header to 8 bytes) is copied even when mapping: kernels may
/// assume naturally aligned elements. Empty tensors are ordinary (writable) allocations.
/// </para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> (and optional string metadata) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="NotSupportedException">When a tensor's dtype has no safetensors code, naming the tensor.</exception>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var writer = new SafeTensorsWriter();
        if (metadata is not null)
            foreach (var (k, v) in metadata) writer.Metadata[k] = v;
        foreach (var (name, tensor) in tensors)
        {
            var code = CodeOf(name, tensor.DType);
            var t = tensor.Detach().Contiguous();
            long[] shape = Array.ConvertAll(t.ShapeArray(), d => (long)d);
            writer.Add(name, code, shape, t.AsBytes());
        }
        writer.Save(path);
    }

    /// <summary>Reads every tensor of a safetensors file, in header order; memory-mapped and read-only unless <paramref name="mapped"/> is false.</summary>
    /// <exception cref="SafeTensorsFormatException">When the file is malformed.</exception>
    /// <exception cref="NotSupportedException">When a tensor's dtype has no Tessera dtype, naming the tensor.</exception>
    public static Dictionary<string, Tensor> Load(string path, bool mapped = true) => Load(path, out _, mapped);

    /// <summary>Reads every tensor of a safetensors file and its metadata; memory-mapped and read-only unless <paramref name="mapped"/> is false.</summary>
    /// <exception cref="SafeTensorsFormatException">When the file is malformed.</exception>
    /// <exception cref="NotSupportedException">When a tensor's dtype has no Tessera dtype, naming the tensor.</exception>
    public static Dictionary<string, Tensor> Load(string path, out IReadOnlyDictionary<string, string> metadata, bool mapped = true)
    {
        using var file = SafeTensorsFile.Read(path);
        metadata = new Dictionary<string, string>(file.Metadata);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var e in file.Entries) result[e.Name] = LoadEntry(file, e, path, mapped);
        }
        catch
        {
            // A later entry failed: give the mapping (and copies) back now rather than at the next GC.
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    private static readonly Lazy<string> Supported = new(() => string.Join(", ",
        Enum.GetValues<DType>().Select(d => SafeTensorsDTypeInfo.GetName(d.ToSafeTensors()))));

    private static Tensor LoadEntry(SafeTensorsFile file, SafeTensorEntry e, string path, bool mapped)
    {
        DType dtype;
        try { dtype = DTypeInfo.FromSafeTensors(e.DType); }
        catch (NotSupportedException ex)
        {
            throw new NotSupportedException(
                $"Tensor '{e.Name}' in '{path}' has dtype {SafeTensorsDTypeInfo.GetName(e.DType)}, which Tessera tensors cannot hold (they hold {Supported.Value}).", ex);
        }
        int[] shape = new int[e.Rank];
        for (int i = 0; i < shape.Length; i++)
        {
            long d = e.Shape[i];
            if (d > int.MaxValue)
                throw new NotSupportedException(
                    $"Tensor '{e.Name}' in '{path}' has dimension {i} of size {d} (shape [{string.Join(", ", e.Shape)}]); Tessera dimensions are below 2^31, even for a tensor with no elements.");
            shape[i] = (int)d;
        }
        if (e.DType == SafeTensorsDType.Bool) CheckBool(file.GetBytes(e), e.Name, path);

        bool aligned = (file.DataOffset + e.DataBegin) % dtype.ElementSize() == 0;
        if (mapped && aligned && e.ByteLength > 0 && file.MapStorage(e) is { } storage)
            return Tensor.Owning(storage, dtype, shape);

        var copy = Storage.Allocate(e.ByteLength);
        var t = Tensor.Owning(copy, dtype, shape);
        file.GetBytes(e).CopyTo(copy.Bytes);
        return t;
    }

    // Bool tensors are read as bytes by every kernel; a byte other than 0 or 1 would make "true" compare unequal to true.
    private static void CheckBool(ReadOnlySpan<byte> bytes, string name, string path)
    {
        int bad = bytes.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.TensorInvalidInfo,
                $"BOOL element {bad} has byte value {bytes[bad]}; only 0 and 1 are valid", path, name);
    }

    private static SafeTensorsDType CodeOf(string name, DType dtype)
    {
        if (!Enum.IsDefined(dtype))
            throw new NotSupportedException($"Tensor '{name}' has dtype {(int)dtype}, which is not a Tessera dtype and has no safetensors code.");
        return dtype.ToSafeTensors();
    }
}
