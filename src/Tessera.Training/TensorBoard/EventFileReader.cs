using System.Buffers.Binary;
using Google.Protobuf;
using Tensorboard;

namespace Tessera.Training.TensorBoard;

/// <summary>
/// Reads TensorBoard event files back (TFRecord framing, both masked CRC32Cs verified). A corrupt or truncated file
/// raises <see cref="InvalidDataException"/> naming the file and the record's byte offset; a record's length is checked
/// against its CRC and against the bytes left in the file before anything is allocated for it.
/// </summary>
public static class EventFileReader
{
    /// <summary>
    /// The event files directly in <paramref name="logDir"/> (names containing <c>tfevents</c>, as TensorBoard
    /// matches them), in the ordinal order TensorBoard reads them in.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="logDir"/> does not exist.</exception>
    public static IReadOnlyList<string> FindEventFiles(string logDir)
    {
        ArgumentNullException.ThrowIfNull(logDir);
        if (!Directory.Exists(logDir)) throw new DirectoryNotFoundException($"Log directory '{logDir}' does not exist.");
        var files = Directory.GetFiles(logDir).Where(f => Path.GetFileName(f).Contains("tfevents", StringComparison.Ordinal)).ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>
    /// The scalars in <paramref name="path"/> in file order: legacy <c>simple_value</c>s (what <see cref="SummaryWriter"/>
    /// and PyTorch write) and new-style scalar tensors (plugin <c>scalars</c>, one float or double).
    /// </summary>
    /// <exception cref="InvalidDataException">A record is truncated, fails its CRC, or is not an Event.</exception>
    public static IEnumerable<ScalarEvent> ReadScalars(string path)
    {
        foreach (var e in ReadEvents(path))
        {
            if (e.WhatCase != Event.WhatOneofCase.Summary) continue;
            foreach (var v in e.Summary.Value)
            {
                if (v.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue)
                    yield return new ScalarEvent(v.Tag, e.Step, v.SimpleValue, e.WallTime);
                else if (v.ValueCase == Summary.Types.Value.ValueOneofCase.Tensor && v.Metadata?.PluginData?.PluginName == "scalars"
                    && TryScalar(v.Tensor, out float value))
                    yield return new ScalarEvent(v.Tag, e.Step, value, e.WallTime);
            }
        }
    }

    /// <summary>The events in <paramref name="path"/>, the file_version event first.</summary>
    internal static IEnumerable<Event> ReadEvents(string path)
    {
        foreach (var (offset, data) in ReadRecords(path))
        {
            Event e;
            try
            {
                e = Event.Parser.ParseFrom(data);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new InvalidDataException($"{path}: the record at byte offset {offset} is not a valid Event protobuf: {ex.Message}", ex);
            }
            yield return e;
        }
    }

    /// <summary>The data of each record with the byte offset where the record starts.</summary>
    internal static IEnumerable<(long Offset, byte[] Data)> ReadRecords(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long fileLength = stream.Length;
        var header = new byte[TfRecord.HeaderLength];
        var footer = new byte[TfRecord.FooterLength];
        long offset = 0;
        while (offset < fileLength)
        {
            long left = fileLength - offset;
            if (left < TfRecord.HeaderLength)
                throw Truncated(path, offset, $"{left} byte(s) left, a record header needs {TfRecord.HeaderLength}");
            stream.ReadExactly(header);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
            uint expectedLengthCrc = Crc32C.Masked(header.AsSpan(0, 8));
            if (lengthCrc != expectedLengthCrc)
                throw new InvalidDataException(
                    $"{path}: the record at byte offset {offset} has a corrupt length: its masked CRC32C is 0x{lengthCrc:X8}, expected 0x{expectedLengthCrc:X8}.");
            long available = left - TfRecord.HeaderLength - TfRecord.FooterLength;
            if (length > (ulong)Math.Max(available, 0))
                throw Truncated(path, offset, $"the record announces {length} data bytes but only {Math.Max(available, 0)} remain before its CRC");
            if (length > (ulong)Array.MaxLength)
                throw new InvalidDataException($"{path}: the record at byte offset {offset} announces {length} data bytes, more than one array can hold.");
            var data = new byte[(int)length];
            stream.ReadExactly(data);
            stream.ReadExactly(footer);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(footer);
            uint expectedDataCrc = Crc32C.Masked(data);
            if (dataCrc != expectedDataCrc)
                throw new InvalidDataException(
                    $"{path}: the record at byte offset {offset} has corrupt data: its masked CRC32C is 0x{dataCrc:X8}, expected 0x{expectedDataCrc:X8}.");
            yield return (offset, data);
            offset += TfRecord.HeaderLength + (long)length + TfRecord.FooterLength;
        }
    }

    private static InvalidDataException Truncated(string path, long offset, string detail) =>
        new($"{path}: truncated record at byte offset {offset}: {detail}.");

    private static bool TryScalar(TensorProto t, out float value)
    {
        if (t.FloatVal.Count == 1) { value = t.FloatVal[0]; return true; }
        if (t.DoubleVal.Count == 1) { value = (float)t.DoubleVal[0]; return true; }
        if (t.Dtype == DataType.DtFloat && t.TensorContent.Length == 4)
        {
            value = BinaryPrimitives.ReadSingleLittleEndian(t.TensorContent.Span);
            return true;
        }
        if (t.Dtype == DataType.DtDouble && t.TensorContent.Length == 8)
        {
            value = (float)BinaryPrimitives.ReadDoubleLittleEndian(t.TensorContent.Span);
            return true;
        }
        value = 0;
        return false;
    }
}
