using System.Runtime.InteropServices;
using System.Text;

namespace Tessera.IO;

/// <summary>
/// Builds a safetensors file from raw (name, dtype, shape, bytes) entries plus string metadata.
/// </summary>
/// <remarks>
/// The layout is deterministic and matches the reference writer: tensors sorted by dtype in
/// descending alignment order (see <see cref="SafeTensorsDType"/>), then by name (UTF-8 byte order);
/// <c>__metadata__</c> first (keys in ordinal order, omitted when empty); compact JSON padded with
/// spaces to a multiple of 8 so the data section is 8-byte aligned.
/// </remarks>
public sealed class SafeTensorsWriter
{
    private readonly List<Item> _items = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>String metadata written as <c>__metadata__</c> (omitted when empty).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Number of tensors added so far.</summary>
    public int Count => _items.Count;

    /// <summary>Adds a tensor, copying <paramref name="data"/> (little-endian, row-major, packed).</summary>
    /// <exception cref="ArgumentException">
    /// Duplicate or reserved name, negative dimension, or <paramref name="data"/> length different from product(shape) x dtype size.
    /// </exception>
    public void Add(string name, SafeTensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
    {
        Check(name, dtype, shape, data.Length);
        AddChecked(name, dtype, shape, data.ToArray());
    }

    /// <summary>
    /// Adds a tensor without copying: <paramref name="data"/> is read when the file is written, so it must
    /// not change until then. Use this for large tensors.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Add"/>.</exception>
    public void AddBorrowed(string name, SafeTensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlyMemory<byte> data)
    {
        Check(name, dtype, shape, data.Length);
        AddChecked(name, dtype, shape, data);
    }

    /// <summary>Adds an <c>F64</c> tensor (copied).</summary>
    public void AddFloat64(string name, ReadOnlySpan<long> shape, ReadOnlySpan<double> values) => AddTyped(name, SafeTensorsDType.F64, shape, values);

    /// <summary>Adds an <c>F32</c> tensor (copied).</summary>
    public void AddFloat32(string name, ReadOnlySpan<long> shape, ReadOnlySpan<float> values) => AddTyped(name, SafeTensorsDType.F32, shape, values);

    /// <summary>Adds an <c>F16</c> tensor (copied).</summary>
    public void AddFloat16(string name, ReadOnlySpan<long> shape, ReadOnlySpan<Half> values) => AddTyped(name, SafeTensorsDType.F16, shape, values);

    /// <summary>Adds an <c>I64</c> tensor (copied).</summary>
    public void AddInt64(string name, ReadOnlySpan<long> shape, ReadOnlySpan<long> values) => AddTyped(name, SafeTensorsDType.I64, shape, values);

    /// <summary>Adds an <c>I32</c> tensor (copied).</summary>
    public void AddInt32(string name, ReadOnlySpan<long> shape, ReadOnlySpan<int> values) => AddTyped(name, SafeTensorsDType.I32, shape, values);

    /// <summary>Adds a <c>U8</c> tensor (copied).</summary>
    public void AddUInt8(string name, ReadOnlySpan<long> shape, ReadOnlySpan<byte> values) => AddTyped(name, SafeTensorsDType.U8, shape, values);

    /// <summary>Adds a <c>BOOL</c> tensor (copied; stored as bytes 0/1).</summary>
    public void AddBool(string name, ReadOnlySpan<long> shape, ReadOnlySpan<bool> values)
    {
        Check(name, SafeTensorsDType.Bool, shape, values.Length);
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++) bytes[i] = values[i] ? (byte)1 : (byte)0;
        AddChecked(name, SafeTensorsDType.Bool, shape, bytes);
    }

    /// <summary>Total size in bytes of the file <see cref="WriteTo"/> would produce.</summary>
    public long ComputeLength() => SafeTensorsHeader.PrefixLength + BuildHeader(out _).Length + DataLength();

    /// <summary>Writes the whole file to <paramref name="stream"/> (not flushed, not closed).</summary>
    /// <exception cref="SafeTensorsFormatException">(<see cref="SafeTensorsErrorKind.HeaderTooLarge"/>) the header exceeds 100,000,000 bytes.</exception>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] header = BuildHeader(out var ordered);
        Span<byte> prefix = stackalloc byte[SafeTensorsHeader.PrefixLength];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var item in ordered) stream.Write(item.Data.Span);
    }

    /// <summary>The whole file as a byte array.</summary>
    /// <exception cref="SafeTensorsFormatException">The header is too large, or the file exceeds a single array.</exception>
    public byte[] ToArray()
    {
        long length = ComputeLength();
        if (length > Array.MaxLength)
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.TooLarge, $"file of {length} bytes exceeds a single array; use Save or WriteTo");
        using var ms = new MemoryStream((int)length);
        WriteTo(ms);
        return ms.ToArray();
    }

    /// <summary>
    /// Writes the file atomically: to a temporary file in the same directory, flushed to disk, then moved over
    /// <paramref name="path"/>. Readers never see a partial file; on failure the target is untouched.
    /// </summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                WriteTo(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    private void AddTyped<T>(string name, SafeTensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        Check(name, dtype, shape, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            int size = SafeTensorsDTypeInfo.GetByteSize(dtype);
            for (int i = 0; i < bytes.Length; i += size) bytes.AsSpan(i, size).Reverse();
        }
        AddChecked(name, dtype, shape, bytes);
    }

    private void Check(string name, SafeTensorsDType dtype, ReadOnlySpan<long> shape, long byteLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == SafeTensorsHeader.MetadataKey)
            throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved and cannot name a tensor.", nameof(name));
        if (_names.Contains(name))
            throw new ArgumentException($"A tensor named '{name}' was already added.", nameof(name));
        SafeTensorsJson.ToUtf8(name, $"Tensor name '{name}'");
        if (!SafeTensorsDTypeInfo.TryComputeByteLength(dtype, shape, out _, out long expected, out _, out string? error))
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape.ToArray())}]: {error}.", nameof(shape));
        if (expected != byteLength)
            throw new ArgumentException(
                $"Tensor '{name}': {SafeTensorsDTypeInfo.GetName(dtype)}[{string.Join(", ", shape.ToArray())}] needs {expected} bytes, got {byteLength}.",
                nameof(shape));
    }

    private void AddChecked(string name, SafeTensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlyMemory<byte> data)
    {
        _names.Add(name);
        _items.Add(new Item(name, SafeTensorsJson.ToUtf8(name, "Tensor name"), dtype, shape.ToArray(), data));
    }

    private long DataLength()
    {
        long total = 0;
        foreach (var item in _items) total += item.Data.Length;
        return total;
    }

    private byte[] BuildHeader(out List<Item> ordered)
    {
        ordered = [.. _items];
        // Reference order: dtype descending, then name by UTF-8 bytes (Rust String ordering).
        ordered.Sort((a, b) =>
        {
            int c = b.DType.CompareTo(a.DType);
            return c != 0 ? c : a.Utf8Name.AsSpan().SequenceCompareTo(b.Utf8Name);
        });

        var sb = new StringBuilder();
        sb.Append('{');
        bool first = true;
        if (Metadata.Count > 0)
        {
            sb.Append("\"__metadata__\":{");
            var keys = Metadata.Keys.ToList();
            foreach (var k in keys)
            {
                ArgumentNullException.ThrowIfNull(k);
                if (Metadata[k] is null)
                    throw new InvalidOperationException($"Metadata value for key '{k}' is null; safetensors metadata values must be strings.");
                SafeTensorsJson.ToUtf8(k, $"Metadata key '{k}'");
                SafeTensorsJson.ToUtf8(Metadata[k], $"Metadata value for key '{k}'");
            }
            keys.Sort(StringComparer.Ordinal);
            for (int i = 0; i < keys.Count; i++)
            {
                if (i > 0) sb.Append(',');
                SafeTensorsJson.WriteString(sb, keys[i]);
                sb.Append(':');
                SafeTensorsJson.WriteString(sb, Metadata[keys[i]]);
            }
            sb.Append('}');
            first = false;
        }
        long offset = 0;
        foreach (var item in ordered)
        {
            if (!first) sb.Append(',');
            first = false;
            SafeTensorsJson.WriteString(sb, item.Name);
            sb.Append(":{\"dtype\":\"").Append(SafeTensorsDTypeInfo.GetName(item.DType)).Append("\",\"shape\":[");
            sb.AppendJoin(',', item.Shape);
            long end = offset + item.Data.Length;
            sb.Append("],\"data_offsets\":[").Append(offset).Append(',').Append(end).Append("]}");
            offset = end;
        }
        sb.Append('}');

        string json = sb.ToString();
        int jsonBytes = Encoding.UTF8.GetByteCount(json);
        long padded = (jsonBytes + 7L) / 8 * 8;
        if (padded > SafeTensorsHeader.MaxHeaderLength)
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.HeaderTooLarge,
                $"header would be {padded} bytes, over the limit of {SafeTensorsHeader.MaxHeaderLength}");
        var header = new byte[padded];
        Encoding.UTF8.GetBytes(json, header);
        header.AsSpan(jsonBytes).Fill((byte)' ');
        return header;
    }

    private sealed record Item(string Name, byte[] Utf8Name, SafeTensorsDType DType, long[] Shape, ReadOnlyMemory<byte> Data);
}
