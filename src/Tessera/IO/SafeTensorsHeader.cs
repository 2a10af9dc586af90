using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Tessera.IO;

/// <summary>
/// A parsed and validated safetensors header: the strict reader shared by every
/// <see cref="SafeTensorsFile"/> entry point.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>Bytes of the little-endian u64 header length prefix.</summary>
    public const int PrefixLength = 8;

    /// <summary>The reference's <c>MAX_HEADER_SIZE</c>.</summary>
    public const long MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    private SafeTensorsHeader(List<SafeTensorEntry> entries, Dictionary<string, string>? metadata, long dataLength)
    {
        Entries = entries;
        Metadata = metadata;
        DataLength = dataLength;
    }

    /// <summary>Entries in header (JSON) order.</summary>
    public List<SafeTensorEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> map, or null when absent (or JSON null).</summary>
    public Dictionary<string, string>? Metadata { get; }

    /// <summary>Bytes the tensors cover: the end of the last tensor in offset order.</summary>
    public long DataLength { get; }

    /// <summary>
    /// Checks the 8-byte prefix against the total length (when known) and returns the header length N.
    /// </summary>
    public static long ReadHeaderLength(ReadOnlySpan<byte> prefix, long? totalLength, string? source)
    {
        if (prefix.Length < PrefixLength)
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.HeaderTooSmall,
                $"file is {prefix.Length} bytes long; at least {PrefixLength} are needed for the header length", source);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderLength)
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.HeaderTooLarge,
                $"header length {n} exceeds the limit of {MaxHeaderLength} bytes", source);
        if (totalLength is long total && (long)n > total - PrefixLength)
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidHeaderLength,
                $"header length {n} runs past the end of the file ({total} bytes, so at most {total - PrefixLength} header bytes)", source);
        return (long)n;
    }

    /// <summary>
    /// Parses the header JSON and validates offsets. <paramref name="availableData"/> is the number of bytes
    /// after the header when known; the data must cover exactly that many bytes.
    /// </summary>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long? availableData, string? source)
    {
        if (!Utf8.IsValid(json))
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidHeaderUtf8,
                $"header is not valid UTF-8 (first invalid byte at header offset {FirstInvalidUtf8(json)})", source);

        var entries = new List<SafeTensorEntry>();
        Dictionary<string, string>? metadata = null;
        var raw = new List<RawEntry>();
        try
        {
            ReadObject(json, raw, ref metadata, source);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidHeaderJson, $"header is not valid JSON: {e.Message}", source,
                innerException: e);
        }
        catch (InvalidOperationException e)
        {
            // Raised by GetString for escapes that do not form valid UTF-16 (lone surrogates).
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidHeaderJson, $"header holds an invalid JSON string: {e.Message}",
                source, innerException: e);
        }

        // Validate like the reference: entries sorted (stably) by (begin, end) must tile [0, total).
        var order = new int[raw.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var sorted = order.OrderBy(i => raw[i].Begin).ThenBy(i => raw[i].End).ToArray();
        long next = 0;
        var counts = new long[raw.Count];
        foreach (int i in sorted)
        {
            var r = raw[i];
            if (r.Begin != next || r.End < r.Begin)
            {
                string why = r.End < r.Begin ? $"end {r.End} is before begin {r.Begin}"
                    : next == 0 ? $"begins at {r.Begin}, but the first tensor (in offset order) must begin at 0"
                    : r.Begin > next ? $"gap: begins at {r.Begin} but the previous tensor (in offset order) ends at {next}"
                    : $"overlap: begins at {r.Begin} but the previous tensor (in offset order) ends at {next}";
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidOffset,
                    $"invalid data_offsets [{r.Begin}, {r.End}]: {why}", source, r.Name);
            }
            next = r.End;
            if (!SafeTensorsDTypeInfo.TryComputeByteLength(r.DType, r.Shape, out long elements, out long bytes, out var kind, out string? error))
            {
                throw new SafeTensorsFormatException(kind, $"shape [{string.Join(", ", r.Shape)}]: {error}", source, r.Name);
            }
            if (r.End - r.Begin != bytes)
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.TensorInvalidInfo,
                    $"data_offsets [{r.Begin}, {r.End}] cover {r.End - r.Begin} bytes, but {SafeTensorsDTypeInfo.GetName(r.DType)}" +
                    $"[{string.Join(", ", r.Shape)}] needs {bytes} bytes", source, r.Name);
            counts[i] = elements;
        }

        if (availableData is long available && next != available)
        {
            string detail = next < available
                ? $"{available - next} trailing bytes after the last tensor (tensors cover {next} of {available} data bytes)"
                : $"file is truncated: tensors need {next} data bytes but only {available} are present";
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.MetadataIncompleteBuffer, detail, source);
        }

        for (int i = 0; i < raw.Count; i++)
        {
            var r = raw[i];
            entries.Add(new SafeTensorEntry(r.Name, r.DType, r.Shape, counts[i], r.Begin, r.End));
        }
        return new SafeTensorsHeader(entries, metadata, next);
    }

    private static void ReadObject(ReadOnlySpan<byte> json, List<RawEntry> raw, ref Dictionary<string, string>? metadata, string? source)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = 64,
        });
        if (json.TrimEnd(" \t\r\n"u8).IsEmpty)
            throw Json(source, "header is empty or only whitespace; expected a JSON object");
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Json(source, $"header must be a JSON object, but starts with a {Describe(reader.TokenType)}");

        var names = new HashSet<string>(StringComparer.Ordinal);
        bool sawMetadata = false;
        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            string name = reader.GetString()!;
            if (name == MetadataKey)
            {
                if (sawMetadata)
                    throw new SafeTensorsFormatException(SafeTensorsErrorKind.DuplicateName, $"'{MetadataKey}' appears more than once", source);
                sawMetadata = true;
                metadata = ReadMetadata(ref reader, source);
                continue;
            }
            if (!names.Add(name))
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.DuplicateName,
                    "tensor name appears more than once in the header (JSON parsers would silently keep the last)", source, name);
            raw.Add(ReadEntry(ref reader, name, source));
        }
        // Only JSON whitespace (the writer's space padding) may follow; the reader throws on anything else.
        if (reader.Read())
            throw Json(source, $"unexpected {Describe(reader.TokenType)} after the header object");
    }

    private static Dictionary<string, string>? ReadMetadata(ref Utf8JsonReader reader, string? source)
    {
        Next(ref reader, source);
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidMetadata,
                $"'{MetadataKey}' must be an object mapping strings to strings, but is a {Describe(reader.TokenType)}", source);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndObject) return map;
            string key = reader.GetString()!;
            Next(ref reader, source);
            if (reader.TokenType != JsonTokenType.String)
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidMetadata,
                    $"'{MetadataKey}' value for key '{key}' must be a string, but is a {Describe(reader.TokenType)}", source);
            if (!map.TryAdd(key, reader.GetString()!))
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.DuplicateName,
                    $"'{MetadataKey}' key '{key}' appears more than once", source);
        }
    }

    private static RawEntry ReadEntry(ref Utf8JsonReader reader, string name, string? source)
    {
        Next(ref reader, source);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Json(source, $"entry must be an object with dtype, shape and data_offsets, but is a {Describe(reader.TokenType)}", name);

        SafeTensorsDType? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            string field = reader.GetString()!;
            switch (field)
            {
                case "dtype":
                    if (dtype is not null) throw DuplicateField(source, name, field);
                    Next(ref reader, source);
                    if (reader.TokenType != JsonTokenType.String)
                        throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidDType,
                            $"dtype must be a string, but is a {Describe(reader.TokenType)}", source, name);
                    string text = reader.GetString()!;
                    if (!SafeTensorsDTypeInfo.TryParse(text, out var parsed))
                        throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidDType, $"unknown dtype \"{text}\"", source, name);
                    dtype = parsed;
                    break;
                case "shape":
                    if (shape is not null) throw DuplicateField(source, name, field);
                    shape = ReadIntegers(ref reader, source, name, field, SafeTensorsErrorKind.InvalidShape, exactCount: null);
                    break;
                case "data_offsets":
                    if (offsets is not null) throw DuplicateField(source, name, field);
                    offsets = ReadIntegers(ref reader, source, name, field, SafeTensorsErrorKind.InvalidOffset, exactCount: 2);
                    break;
                default:
                    // The reference (serde without deny_unknown_fields) ignores extra fields; so do we.
                    Next(ref reader, source);
                    reader.Skip();
                    break;
            }
        }
        if (dtype is null) throw Json(source, "entry has no \"dtype\"", name);
        if (shape is null) throw Json(source, "entry has no \"shape\"", name);
        if (offsets is null) throw Json(source, "entry has no \"data_offsets\"", name);
        return new RawEntry(name, dtype.Value, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string? source, string name, string field, SafeTensorsErrorKind kind,
        int? exactCount)
    {
        Next(ref reader, source);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new SafeTensorsFormatException(kind, $"{field} must be an array of non-negative integers, but is a {Describe(reader.TokenType)}",
                source, name);
        var values = new List<long>();
        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndArray) break;
            if (reader.TokenType != JsonTokenType.Number)
                throw new SafeTensorsFormatException(kind, $"{field} holds a {Describe(reader.TokenType)}; only non-negative integers are allowed",
                    source, name);
            if (!reader.TryGetUInt64(out ulong v))
            {
                string literal = Encoding.UTF8.GetString(reader.ValueSpan);
                string why = literal.StartsWith('-') ? "is negative" : "is not a non-negative integer";
                throw new SafeTensorsFormatException(kind, $"{field} element {literal} {why}", source, name);
            }
            if (v > long.MaxValue)
                throw new SafeTensorsFormatException(kind == SafeTensorsErrorKind.InvalidShape ? SafeTensorsErrorKind.ValidationOverflow : kind,
                    $"{field} element {v} does not fit in a signed 64-bit integer", source, name);
            values.Add((long)v);
        }
        if (exactCount is int n && values.Count != n)
            throw new SafeTensorsFormatException(kind, $"{field} must have exactly {n} elements, but has {values.Count}", source, name);
        return values.ToArray();
    }

    private static void Next(ref Utf8JsonReader reader, string? source)
    {
        if (!reader.Read())
            throw Json(source, "header JSON ends unexpectedly");
    }

    private static SafeTensorsFormatException Json(string? source, string detail, string? tensor = null) =>
        new(SafeTensorsErrorKind.InvalidHeaderJson, detail, source, tensor);

    private static SafeTensorsFormatException DuplicateField(string? source, string name, string field) =>
        new(SafeTensorsErrorKind.DuplicateName, $"field \"{field}\" appears more than once in the entry", source, name);

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "JSON object",
        JsonTokenType.StartArray => "JSON array",
        JsonTokenType.String => "JSON string",
        JsonTokenType.Number => "JSON number",
        JsonTokenType.True or JsonTokenType.False => "JSON boolean",
        JsonTokenType.Null => "JSON null",
        _ => t.ToString(),
    };

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            if (System.Buffers.OperationStatus.Done != System.Text.Rune.DecodeFromUtf8(bytes[i..], out _, out int consumed))
                return i;
            i += consumed;
        }
        return i;
    }

    private readonly record struct RawEntry(string Name, SafeTensorsDType DType, long[] Shape, long Begin, long End);
}
