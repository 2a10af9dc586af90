using System.Text.Json;
using Tessera.Training.TensorBoard;
using Xunit.Abstractions;

namespace Tessera.Training.Tests.TensorBoard;

/// <summary>
/// Files written by <see cref="SummaryWriter"/> read by tools/read_tfevents.py, an independent reader (Python protobuf,
/// the crc32c module, zlib). Skipped, with a message naming the Debian packages, where those are not installed.
/// </summary>
public sealed class PythonReaderTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-tb-py-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private bool Skip()
    {
        if (PythonTfEventsReader.Missing is not { } why) return false;
        output.WriteLine($"SKIPPED: {why}");
        return true;
    }

    [Fact]
    public void PythonReadsWhatWeWrite()
    {
        if (Skip()) return;
        var weights = new double[300];
        var g = new Random(7);
        for (int i = 0; i < weights.Length; i++) weights[i] = (g.NextDouble() - 0.5) * 4;
        var rgba = new byte[5 * 4 * 4];
        for (int i = 0; i < rgba.Length; i++) rgba[i] = (byte)(i * 13 + 1);
        var cm = ConfusionMatrixImage.Render(new long[,] { { 9, 1, 0 }, { 2, 7, 1 }, { 0, 0, 10 } });
        string path;
        using (var w = new SummaryWriter(_dir))
        {
            path = w.FilePath;
            w.AddScalar("train/loss", 2.25, 0, wallTime: 1000.5);
            w.AddScalar("train/loss", 1.0 / 3.0, 1, wallTime: 1001.25);
            w.AddScalar("train/loss", double.PositiveInfinity, 2, wallTime: 1002);
            w.AddHistogram("fc.weight", weights, 3, wallTime: 1003);
            w.AddText("notes", "| a | b |\n|---|---|\n| ✓ | 2 |", 4, wallTime: 1004);
            w.AddImage("sample", rgba, 5, 4, 4, 5, wallTime: 1005);
            w.AddImage("confusion", cm, 6, wallTime: 1006);
            w.AddHParams(new Dictionary<string, object> { ["lr"] = 0.05, ["model"] = "lenet", ["shuffle"] = true }, ["val/accuracy"], wallTime: 999);
        }

        var events = PythonTfEventsReader.Read(path);
        var ours = EventFileReader.ReadEvents(path).ToList();
        Assert.Equal(ours.Count, events.Count);
        Assert.Equal("brain.Event:2", events[0].GetProperty("file_version").GetString());
        Assert.Equal(ours[0].WallTime, events[0].GetProperty("wall_time").GetDouble());

        JsonElement Value(int i) => events[i].GetProperty("summary")[0];
        Assert.Equal((2.25f, 0L, 1000.5), ((float)Value(1).GetProperty("value").GetDouble(), events[1].GetProperty("step").GetInt64(), events[1].GetProperty("wall_time").GetDouble()));
        Assert.Equal(1.0f / 3.0f, (float)Value(2).GetProperty("value").GetDouble());
        Assert.Equal("Infinity", Value(3).GetProperty("value").GetString());

        var h = Value(4);
        var expected = HistogramBuilder.Build(weights);
        Assert.Equal("histogram", h.GetProperty("type").GetString());
        Assert.Equal(expected.BucketLimit, h.GetProperty("bucket_limit").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal(expected.Bucket, h.GetProperty("bucket").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal(weights.Length, h.GetProperty("bucket").EnumerateArray().Sum(x => x.GetDouble()));
        Assert.Equal(weights.Min(), h.GetProperty("min").GetDouble());
        Assert.Equal(weights.Max(), h.GetProperty("max").GetDouble());
        Assert.Equal(weights.Sum(), h.GetProperty("sum").GetDouble(), 1e-9);

        var text = Value(5);
        Assert.Equal(("text", "text", "DT_STRING"), (text.GetProperty("type").GetString(), text.GetProperty("plugin").GetString(), text.GetProperty("dtype").GetString()));
        Assert.Equal("| a | b |\n|---|---|\n| ✓ | 2 |", text.GetProperty("text")[0].GetString());

        var image = Value(6);
        Assert.Equal((5, 4, 4), (image.GetProperty("height").GetInt32(), image.GetProperty("width").GetInt32(), image.GetProperty("colorspace").GetInt32()));
        Assert.Equal(Convert.ToHexStringLower(rgba), image.GetProperty("png").GetProperty("pixels_hex").GetString());
        var cmPng = Value(7).GetProperty("png");
        Assert.Equal(Convert.ToHexStringLower(cm.Pixels), cmPng.GetProperty("pixels_hex").GetString());

        var hp = events[8].GetProperty("summary");
        Assert.Equal("_hparams_/experiment", hp[0].GetProperty("tag").GetString());
        var infos = hp[0].GetProperty("plugin_data").GetProperty("experiment").GetProperty("hparam_infos").EnumerateArray()
            .Select(i => (i.GetProperty("name").GetString(), i.GetProperty("type").GetString())).ToList();
        Assert.Equal([("lr", "DATA_TYPE_FLOAT64"), ("model", "DATA_TYPE_STRING"), ("shuffle", "DATA_TYPE_BOOL")], infos);
        Assert.Equal("val/accuracy", hp[0].GetProperty("plugin_data").GetProperty("experiment").GetProperty("metric_infos")[0]
            .GetProperty("name").GetProperty("tag").GetString());
        var start = hp[1].GetProperty("plugin_data").GetProperty("session_start_info").GetProperty("hparams");
        Assert.Equal(0.05, start.GetProperty("lr").GetDouble());
        Assert.Equal("lenet", start.GetProperty("model").GetString());
        Assert.True(start.GetProperty("shuffle").GetBoolean());
        output.WriteLine($"read_tfevents.py read {events.Count} events from {Path.GetFileName(path)}");
    }

    [Fact]
    public void PythonRejectsACorruptFileToo()
    {
        if (Skip()) return;
        string path;
        using (var w = new SummaryWriter(_dir))
        {
            path = w.FilePath;
            w.AddScalar("a", 1, 0);
        }
        var bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 1;
        File.WriteAllBytes(path, bytes);
        var (code, stderr) = PythonTfEventsReader.ReadExpectingFailure(path);
        Assert.Equal(2, code);
        Assert.Contains("data CRC mismatch at byte offset 40", stderr);
        Assert.Contains("byte offset 40", Assert.Throws<InvalidDataException>(() => EventFileReader.ReadEvents(path).ToList()).Message);
    }
}
