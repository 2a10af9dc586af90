using System.Buffers.Binary;
using System.Text.Json;
using Google.Protobuf;
using Tensorboard;
using Tensorboard.Hparams;
using Tessera.Training.TensorBoard;

namespace Tessera.Training.Tests.TensorBoard;

public sealed class EventFileReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-tb-read-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonElement Expected() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TensorBoardTestPaths.Fixtures, "expected.json"))).RootElement;

    private static string FixtureFile() => Path.Combine(TensorBoardTestPaths.Fixtures, Expected().GetProperty("file").GetString()!);

    [Fact]
    public void ReadsThePythonWrittenFixture()
    {
        var expected = Expected();
        var events = EventFileReader.ReadEvents(FixtureFile()).ToList();
        Assert.Equal(expected.GetProperty("events").GetInt32(), events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(expected.GetProperty("first_wall_time").GetDouble(), events[0].WallTime);

        var scalars = EventFileReader.ReadScalars(FixtureFile()).ToList();
        var want = expected.GetProperty("scalars").EnumerateArray()
            .Select(s => new ScalarEvent(s[0].GetString()!, s[1].GetInt64(), (float)s[2].GetDouble(), s[3].GetDouble())).ToList();
        Assert.Equal(want, scalars);

        var values = events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Select(v => (e.Step, Value: v))).ToList();

        var text = expected.GetProperty("text");
        var notes = values.Single(v => v.Value.Tag == text.GetProperty("tag").GetString());
        Assert.Equal(text.GetProperty("step").GetInt64(), notes.Step);
        Assert.Equal("text", notes.Value.Metadata.PluginData.PluginName);
        Assert.Equal(text.GetProperty("text").GetString(), notes.Value.Tensor.StringVal.Single().ToStringUtf8());

        var image = expected.GetProperty("image");
        var sample = values.Single(v => v.Value.Tag == image.GetProperty("tag").GetString()).Value.Image;
        var (h, w, c, pixels) = PngTestDecoder.Decode(sample.EncodedImageString.ToByteArray());
        Assert.Equal((image.GetProperty("height").GetInt32(), image.GetProperty("width").GetInt32(), image.GetProperty("channels").GetInt32()), (h, w, c));
        Assert.Equal((h, w, 3), (sample.Height, sample.Width, sample.Colorspace));
        Assert.Equal(image.GetProperty("pixels_hex").GetString(), Convert.ToHexStringLower(pixels));

        var start = values.Single(v => v.Value.Tag == "_hparams_/session_start_info").Value;
        Assert.Equal("hparams", start.Metadata.PluginData.PluginName);
        var startInfo = HParamsPluginData.Parser.ParseFrom(start.Metadata.PluginData.Content).SessionStartInfo;
        Assert.Equal(0.01, startInfo.Hparams["lr"].NumberValue);
        Assert.Equal("sgd", startInfo.Hparams["optimizer"].StringValue);
        Assert.True(startInfo.Hparams["augment"].BoolValue);
    }

    [Fact]
    public void OurHistogramsEqualTheNumpyOnesInTheFixture()
    {
        var events = EventFileReader.ReadEvents(FixtureFile()).ToList();
        foreach (var spec in Expected().GetProperty("histograms").EnumerateArray())
        {
            var tag = spec.GetProperty("tag").GetString();
            var reference = events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value).Single(v => v.Tag == tag).Histo;
            var values = spec.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var ours = HistogramBuilder.Build(values);
            Assert.Equal(spec.GetProperty("buckets").GetInt32(), reference.Bucket.Count);
            Assert.Equal(reference.BucketLimit, ours.BucketLimit);   // exact: the same doubles
            Assert.Equal(reference.Bucket, ours.Bucket);
            Assert.Equal((reference.Min, reference.Max, reference.Num), (ours.Min, ours.Max, ours.Num));
            Assert.Equal(reference.Sum, ours.Sum, Math.Abs(reference.Sum) * 1e-12 + 1e-12);
            Assert.Equal(reference.SumSquares, ours.SumSquares, reference.SumSquares * 1e-12);
        }
    }

    [Fact]
    public void OurFramingOfTheFirstEventEqualsThePythonBytes()
    {
        var bytes = File.ReadAllBytes(FixtureFile());
        var first = TfRecord.Frame(new Event { WallTime = 1700000000.0, FileVersion = "brain.Event:2" }.ToByteArray());
        Assert.Equal(first, bytes[..first.Length]);
    }

    [Fact]
    public void CorruptDataCrcIsRejectedWithFileAndOffset()
    {
        var bytes = File.ReadAllBytes(FixtureFile());
        var records = RecordOffsets(bytes);
        long second = records[1];
        bytes[second + 12 + 2] ^= 0x40;   // a byte inside the second record's data
        var path = Write("corrupt-data.tfevents", bytes);
        var ex = Assert.Throws<InvalidDataException>(() => EventFileReader.ReadEvents(path).ToList());
        Assert.Contains(path, ex.Message);
        Assert.Contains($"byte offset {second}", ex.Message);
        Assert.Contains("corrupt data", ex.Message);
    }

    [Fact]
    public void CorruptLengthIsRejectedBeforeAllocating()
    {
        var bytes = File.ReadAllBytes(FixtureFile());
        long second = RecordOffsets(bytes)[1];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)second), 1UL << 62);   // CRC no longer matches
        var path = Write("corrupt-length.tfevents", bytes);
        var ex = Assert.Throws<InvalidDataException>(() => EventFileReader.ReadEvents(path).ToList());
        Assert.Contains($"byte offset {second}", ex.Message);
        Assert.Contains("corrupt length", ex.Message);
    }

    [Fact]
    public void HugeLengthWithAValidCrcIsATruncationNotAnAllocation()
    {
        var header = new byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, 1UL << 62);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Crc32C.Masked(header.AsSpan(0, 8)));
        var path = Write("huge.tfevents", [.. header, 1, 2, 3, 4, 5, 6, 7, 8]);
        var ex = Assert.Throws<InvalidDataException>(() => EventFileReader.ReadEvents(path).ToList());
        Assert.Contains("truncated record at byte offset 0", ex.Message);
        Assert.Contains($"announces {1UL << 62} data bytes but only 4 remain", ex.Message);
    }

    [Theory]
    [InlineData(5)]    // inside the header
    [InlineData(20)]   // inside the data
    [InlineData(3)]    // inside the data CRC
    public void TruncatedFilesAreRejected(int cutFromSecondRecord)
    {
        var bytes = File.ReadAllBytes(FixtureFile());
        var offsets = RecordOffsets(bytes);
        long second = offsets[1];
        int cut = cutFromSecondRecord == 3 ? (int)offsets[2] - 3 : (int)second + cutFromSecondRecord;
        var path = Write("truncated.tfevents", bytes[..cut]);
        var ex = Assert.Throws<InvalidDataException>(() => EventFileReader.ReadEvents(path).ToList());
        Assert.Contains(path, ex.Message);
        Assert.Contains($"truncated record at byte offset {second}", ex.Message);
    }

    [Fact]
    public void ARecordThatIsNotAnEventIsRejected()
    {
        var path = Write("garbage.tfevents", TfRecord.Frame([0x0A, 0xFF, 0xFF]));   // field 1 as bytes with a runaway length
        var ex = Assert.Throws<InvalidDataException>(() => EventFileReader.ReadEvents(path).ToList());
        Assert.Contains("byte offset 0 is not a valid Event", ex.Message);
    }

    [Fact]
    public void AnEmptyFileHasNoEvents()
    {
        Assert.Empty(EventFileReader.ReadEvents(Write("empty.tfevents", [])));
    }

    [Fact]
    public void FindEventFilesListsTfeventsFilesInOrdinalOrder()
    {
        Write("events.out.tfevents.2.b", []);
        Write("events.out.tfevents.1.a", []);
        Write("notes.txt", []);
        var files = EventFileReader.FindEventFiles(_dir).Select(Path.GetFileName).ToList();
        Assert.Equal(["events.out.tfevents.1.a", "events.out.tfevents.2.b"], files);
        Assert.Throws<DirectoryNotFoundException>(() => EventFileReader.FindEventFiles(Path.Combine(_dir, "missing")));
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static List<long> RecordOffsets(byte[] bytes)
    {
        var offsets = new List<long>();
        for (long o = 0; o < bytes.Length; o += 16 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)o)))
            offsets.Add(o);
        return offsets;
    }
}
