using System.Runtime.InteropServices;

namespace Tessera.IO;

/// <summary>
/// A validated, read-only safetensors file: header entries, <c>__metadata__</c>, and access to each
/// tensor's raw little-endian bytes.
/// </summary>
/// <remarks>
/// Validation is as strict as the reference Rust reader (header length limits, UTF-8 JSON object,
/// known dtypes, offsets tiling the data section with no gap, overlap or trailing bytes, byte counts
/// matching shape x dtype) and additionally rejects duplicate names, which JSON parsers would
/// otherwise silently collapse. No buffer is sized from an untrusted length before that length has
/// been checked against the bytes actually present.
/// <para>
/// <see cref="Read(string)"/> memory-maps the data section, so files larger than 2 GiB work as long
/// as each single tensor is below 2^31 bytes; spans returned by <see cref="GetBytes(string)"/> are
/// valid only until <see cref="Dispose"/>. Instances are safe for concurrent reads.
/// </para>
/// </remarks>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    private readonly SafeTensorsHeader _header;
    private readonly Dictionary<string, SafeTensorEntry> _byName;
    private readonly ReadOnlyMemory<byte> _memory;
    private MappedFile? _map;
    private byte* _mapped;
    private bool _disposed;

    private SafeTensorsFile(SafeTensorsHeader header, long headerLength, string? sourceName, ReadOnlyMemory<byte> memory)
    {
        _header = header;
        _memory = memory;
        HeaderLength = headerLength;
        SourceName = sourceName;
        _byName = new Dictionary<string, SafeTensorEntry>(header.Entries.Count, StringComparer.Ordinal);
        foreach (var e in header.Entries) _byName.Add(e.Name, e);
        Entries = header.Entries.AsReadOnly();
        Metadata = header.Metadata is null
            ? new Dictionary<string, string>(StringComparer.Ordinal).AsReadOnly()
            : header.Metadata.AsReadOnly();
    }

    /// <summary>The path (or caller-given name) used in error messages; null when none was given.</summary>
    public string? SourceName { get; }

    /// <summary>Tensor entries, in the order they appear in the header JSON.</summary>
    public IReadOnlyList<SafeTensorEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> string map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when the header has a (non-null) <c>__metadata__</c> entry, even an empty one.</summary>
    public bool HasMetadata => _header.Metadata is not null;

    /// <summary>Header JSON length N in bytes (including padding), as stored in the 8-byte prefix.</summary>
    public long HeaderLength { get; }

    /// <summary>Length of the data section in bytes.</summary>
    public long DataLength => _header.DataLength;

    /// <summary>Reads and validates a file, memory-mapping its data section.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is malformed.</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        try
        {
            long fileLength = stream.Length;
            Span<byte> prefix = stackalloc byte[SafeTensorsHeader.PrefixLength];
            int got = ReadAtMost(stream, prefix);
            long n = SafeTensorsHeader.ReadHeaderLength(prefix[..got], fileLength, path);
            var json = new byte[n]; // n <= 100 MB and <= the file's remaining length: checked above.
            stream.ReadExactly(json);
            long dataStart = SafeTensorsHeader.PrefixLength + n;
            var header = SafeTensorsHeader.Parse(json, fileLength - dataStart, path);

            var file = new SafeTensorsFile(header, n, path, ReadOnlyMemory<byte>.Empty);
            if (header.DataLength > 0)
                file.Map(stream, dataStart, header.DataLength, path);
            else
                stream.Dispose();
            return file;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Parses a whole file held in memory. Tensor spans alias <paramref name="bytes"/> (no copy), so the
    /// caller must not mutate it while the result is in use.
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The data is malformed.</exception>
    public static SafeTensorsFile Parse(ReadOnlyMemory<byte> bytes, string? sourceName = null)
    {
        var span = bytes.Span;
        long n = SafeTensorsHeader.ReadHeaderLength(span[..Math.Min(span.Length, SafeTensorsHeader.PrefixLength)], span.Length, sourceName);
        int dataStart = SafeTensorsHeader.PrefixLength + (int)n;
        var header = SafeTensorsHeader.Parse(span[SafeTensorsHeader.PrefixLength..dataStart], span.Length - dataStart, sourceName);
        return new SafeTensorsFile(header, n, sourceName, bytes[dataStart..]);
    }

    /// <summary>
    /// Reads a file from <paramref name="stream"/>, from its current position to its end, into memory.
    /// Works for non-seekable streams (buffers grow only with bytes actually received). The stream is not closed.
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">
    /// The data is malformed, or (<see cref="SafeTensorsErrorKind.TooLarge"/>) its data section exceeds a single array; use <see cref="Read(string)"/>.
    /// </exception>
    public static SafeTensorsFile Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long? remaining = stream.CanSeek ? stream.Length - stream.Position : null;
        Span<byte> prefix = stackalloc byte[SafeTensorsHeader.PrefixLength];
        int got = ReadAtMost(stream, prefix);
        long n = SafeTensorsHeader.ReadHeaderLength(prefix[..got], remaining, sourceName);
        var json = ReadBounded(stream, n, sourceName, "header");
        long? available = remaining - SafeTensorsHeader.PrefixLength - n;
        var header = SafeTensorsHeader.Parse(json, available, sourceName);
        if (header.DataLength > Array.MaxLength)
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.TooLarge,
                $"data section is {header.DataLength} bytes, more than one array can hold; read the file by path (memory-mapped) instead",
                sourceName);
        var data = ReadBounded(stream, header.DataLength, sourceName, "data section");
        if (remaining is null)
        {
            Span<byte> probe = stackalloc byte[1];
            if (stream.Read(probe) != 0)
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.MetadataIncompleteBuffer,
                    "trailing bytes after the last tensor", sourceName);
        }
        return new SafeTensorsFile(header, n, sourceName, data);
    }

    /// <summary>True when a tensor of this name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks up a tensor entry by name.</summary>
    public bool TryGetEntry(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeTensorEntry? entry) =>
        _byName.TryGetValue(name, out entry);

    /// <summary>The entry of a tensor.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has this name.</exception>
    public SafeTensorEntry GetEntry(string name) =>
        _byName.TryGetValue(name, out var e) ? e
            : throw new KeyNotFoundException($"{(SourceName is null ? "safetensors data" : $"safetensors file '{SourceName}'")} has no tensor '{name}'.");

    /// <summary>The raw little-endian bytes of a tensor (no copy; valid until <see cref="Dispose"/>).</summary>
    /// <exception cref="KeyNotFoundException">No tensor has this name.</exception>
    /// <exception cref="SafeTensorsFormatException">(<see cref="SafeTensorsErrorKind.TooLarge"/>) the tensor is 2^31 bytes or more.</exception>
    public ReadOnlySpan<byte> GetBytes(string name) => GetBytes(GetEntry(name));

    /// <summary>The raw little-endian bytes of an entry of this file (no copy; valid until <see cref="Dispose"/>).</summary>
    public ReadOnlySpan<byte> GetBytes(SafeTensorEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_byName.TryGetValue(entry.Name, out var own) || !ReferenceEquals(own, entry))
            throw new ArgumentException($"Entry '{entry.Name}' does not belong to this file.", nameof(entry));
        if (entry.ByteLength > int.MaxValue)
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.TooLarge,
                $"tensor is {entry.ByteLength} bytes; a single span holds at most {int.MaxValue}", SourceName, entry.Name);
        if (entry.ByteLength == 0) return [];
        if (_mapped is not null)
            return new ReadOnlySpan<byte>(_mapped + entry.DataBegin, (int)entry.ByteLength);
        return _memory.Span.Slice((int)entry.DataBegin, (int)entry.ByteLength);
    }

    /// <summary>Copies an <c>F64</c> tensor into a new array.</summary>
    public double[] GetFloat64(string name) => Copy<double>(name, SafeTensorsDType.F64);

    /// <summary>Copies an <c>F32</c> tensor into a new array.</summary>
    public float[] GetFloat32(string name) => Copy<float>(name, SafeTensorsDType.F32);

    /// <summary>Copies an <c>F16</c> tensor into a new array.</summary>
    public Half[] GetFloat16(string name) => Copy<Half>(name, SafeTensorsDType.F16);

    /// <summary>Copies an <c>I64</c> tensor into a new array.</summary>
    public long[] GetInt64(string name) => Copy<long>(name, SafeTensorsDType.I64);

    /// <summary>Copies an <c>I32</c> tensor into a new array.</summary>
    public int[] GetInt32(string name) => Copy<int>(name, SafeTensorsDType.I32);

    /// <summary>Copies an <c>I16</c> tensor into a new array.</summary>
    public short[] GetInt16(string name) => Copy<short>(name, SafeTensorsDType.I16);

    /// <summary>Copies an <c>I8</c> tensor into a new array.</summary>
    public sbyte[] GetInt8(string name) => Copy<sbyte>(name, SafeTensorsDType.I8);

    /// <summary>Copies a <c>U8</c> tensor into a new array.</summary>
    public byte[] GetUInt8(string name) => Copy<byte>(name, SafeTensorsDType.U8);

    /// <summary>Copies a <c>BOOL</c> tensor into a new array.</summary>
    /// <exception cref="SafeTensorsFormatException">A byte is neither 0 nor 1.</exception>
    public bool[] GetBool(string name)
    {
        var entry = CheckDType(name, SafeTensorsDType.Bool);
        var bytes = GetBytes(entry);
        var result = new bool[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            if (b > 1)
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.TensorInvalidInfo,
                    $"BOOL element {i} has byte value {b}; only 0 and 1 are valid", SourceName, name);
            result[i] = b == 1;
        }
        return result;
    }

    /// <summary>
    /// Releases this reader's reference to the memory mapping (if any). Spans obtained earlier must no longer be used;
    /// tensors made over the mapping (<see cref="SafeTensors.Load(string, bool)"/>) keep it alive on their own.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _mapped = null;
        _map?.Release();
        _map = null;
    }

    /// <summary>
    /// A read-only storage over an entry's bytes inside the mapping (which it keeps alive), or null when the data is
    /// not mapped (parsed from memory or a stream, or an empty data section).
    /// </summary>
    internal Storage? MapStorage(SafeTensorEntry entry)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_map is null) return null;
        return Storage.Map(_map, entry.DataBegin, entry.ByteLength);
    }

    /// <summary>Byte offset of the data section from the start of the file (8 + header length).</summary>
    internal long DataOffset => SafeTensorsHeader.PrefixLength + HeaderLength;

    private T[] Copy<T>(string name, SafeTensorsDType dtype) where T : unmanaged
    {
        var entry = CheckDType(name, dtype);
        var bytes = GetBytes(entry);
        var result = new T[entry.ElementCount];
        bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        if (!BitConverter.IsLittleEndian && sizeof(T) > 1)
            ReverseEach(MemoryMarshal.AsBytes(result.AsSpan()), sizeof(T));
        return result;
    }

    private SafeTensorEntry CheckDType(string name, SafeTensorsDType dtype)
    {
        var entry = GetEntry(name);
        if (entry.DType != dtype)
            throw new InvalidOperationException(
                $"Tensor '{name}' has dtype {SafeTensorsDTypeInfo.GetName(entry.DType)}, not {SafeTensorsDTypeInfo.GetName(dtype)}.");
        return entry;
    }

    private static void ReverseEach(Span<byte> bytes, int size)
    {
        for (int i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }

    private void Map(FileStream stream, long offset, long length, string path)
    {
        _map = MappedFile.Open(stream, offset, length, path);
        _mapped = _map.Pointer;
    }

    private static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int r = stream.Read(buffer[total..]);
            if (r == 0) break;
            total += r;
        }
        return total;
    }

    // Reads exactly count bytes, growing the buffer only as bytes arrive, so a lying length on a
    // non-seekable stream cannot make us allocate more than what was actually sent (times two).
    private static byte[] ReadBounded(Stream stream, long count, string? source, string what)
    {
        const int InitialChunk = 1 << 20;
        if (count == 0) return [];
        if (count > Array.MaxLength)
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.TooLarge, $"{what} of {count} bytes exceeds a single array", source);
        var buffer = new byte[Math.Min(count, InitialChunk)];
        long filled = 0;
        while (filled < count)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(count, Math.Min((long)buffer.Length * 2, Array.MaxLength)));
            int r = stream.Read(buffer, (int)filled, buffer.Length - (int)filled);
            if (r == 0)
            {
                var kind = what == "header" ? SafeTensorsErrorKind.InvalidHeaderLength : SafeTensorsErrorKind.MetadataIncompleteBuffer;
                throw new SafeTensorsFormatException(kind, $"stream ended after {filled} of {count} {what} bytes (truncated)", source);
            }
            filled += r;
        }
        return buffer;
    }
}
