using System.Text.RegularExpressions;
using Tensorboard;
using Tensorboard.Hparams;
using Tessera.Training.TensorBoard;

namespace Tessera.Training.Tests.TensorBoard;

public sealed class SummaryWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-tb-write-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FileNameFollowsTheTensorBoardPattern()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string logDir = Path.Combine(_dir, "run1", "nested");
        using var w = new SummaryWriter(logDir);
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.True(Directory.Exists(logDir));
        Assert.Equal(logDir, Path.GetDirectoryName(w.FilePath));
        var m = Regex.Match(Path.GetFileName(w.FilePath), @"^events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)$");
        Assert.True(m.Success, w.FilePath);
        long seconds = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, before, after);
        Assert.Equal(Environment.MachineName, m.Groups[2].Value);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Groups[3].Value);
    }

    [Fact]
    public void TwoWritersInOneDirectoryGetDifferentFiles()
    {
        using var a = new SummaryWriter(_dir);
        using var b = new SummaryWriter(_dir);
        Assert.NotEqual(a.FilePath, b.FilePath);
        Assert.Equal(2, EventFileReader.FindEventFiles(_dir).Count);
    }

    [Fact]
    public void RoundTripsEveryKind()
    {
        string path;
        var weights = new float[] { -0.5f, 0.25f, 0.25f, 1.5f, 0f };
        var rgb = new byte[2 * 3 * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)(i * 14);
        using (var w = new SummaryWriter(_dir))
        {
            path = w.FilePath;
            w.AddScalar("train/loss", 0.75, 1, wallTime: 100.0);
            w.AddScalar("train/loss", double.NaN, 2, wallTime: 101.0);
            w.AddScalar("val/acc", 0.9, 2);
            w.AddHistogram("fc.weight", weights, 3);
            w.AddText("notes", "*hello* ✓", 4);
            w.AddImage("confusion", rgb, 2, 3, 3, 5);
            w.AddHParams(new Dictionary<string, object> { ["lr"] = 0.1f, ["optimizer"] = "adam", ["epochs"] = 3, ["nesterov"] = false },
                ["val/acc"], wallTime: 50.0);
        }

        var events = EventFileReader.ReadEvents(path).ToList();
        Assert.Equal(SummaryWriter.FileVersion, events[0].FileVersion);
        Assert.True(events[0].WallTime > 1.6e9);
        Assert.Equal(8, events.Count);

        var scalars = EventFileReader.ReadScalars(path).ToList();
        Assert.Equal(3, scalars.Count);
        Assert.Equal(new ScalarEvent("train/loss", 1, 0.75f, 100.0), scalars[0]);
        Assert.True(float.IsNaN(scalars[1].Value));
        Assert.Equal(("val/acc", 2L, 0.9f), (scalars[2].Tag, scalars[2].Step, scalars[2].Value));

        var histo = events[4].Summary.Value.Single();
        Assert.Equal(("fc.weight", 3L), (histo.Tag, events[4].Step));
        Assert.Equal((-0.5, 1.5, 5.0, 1.5, 2.625), (histo.Histo.Min, histo.Histo.Max, histo.Histo.Num, histo.Histo.Sum, histo.Histo.SumSquares));
        Assert.Equal(5.0, histo.Histo.Bucket.Sum());

        var text = events[5].Summary.Value.Single();
        Assert.Equal("text", text.Metadata.PluginData.PluginName);
        Assert.Equal(TextPluginData.Parser.ParseFrom(text.Metadata.PluginData.Content), new TextPluginData { Version = 0 });
        Assert.Equal(Tensorboard.DataType.DtString, text.Tensor.Dtype);
        Assert.Equal(1, text.Tensor.TensorShape.Dim.Single().Size);
        Assert.Equal("*hello* ✓", text.Tensor.StringVal.Single().ToStringUtf8());

        var image = events[6].Summary.Value.Single().Image;
        Assert.Equal((2, 3, 3), (image.Height, image.Width, image.Colorspace));
        var decoded = PngTestDecoder.Decode(image.EncodedImageString.ToByteArray());
        Assert.Equal(rgb, decoded.Pixels);

        var hp = events[7];
        Assert.Equal(50.0, hp.WallTime);
        Assert.Equal(["_hparams_/experiment", "_hparams_/session_start_info"], hp.Summary.Value.Select(v => v.Tag));
        Assert.All(hp.Summary.Value, v => Assert.Equal("hparams", v.Metadata.PluginData.PluginName));
        var experiment = HParamsPluginData.Parser.ParseFrom(hp.Summary.Value[0].Metadata.PluginData.Content).Experiment;
        Assert.Equal(["epochs", "lr", "nesterov", "optimizer"], experiment.HparamInfos.Select(i => i.Name));
        Assert.Equal([Tensorboard.Hparams.DataType.Float64, Tensorboard.Hparams.DataType.Float64, Tensorboard.Hparams.DataType.Bool, Tensorboard.Hparams.DataType.String],
            experiment.HparamInfos.Select(i => i.Type));
        Assert.Equal("val/acc", experiment.MetricInfos.Single().Name.Tag);
        var start = HParamsPluginData.Parser.ParseFrom(hp.Summary.Value[1].Metadata.PluginData.Content).SessionStartInfo;
        Assert.Equal(0.1f, (float)start.Hparams["lr"].NumberValue);
        Assert.Equal(3.0, start.Hparams["epochs"].NumberValue);
        Assert.Equal("adam", start.Hparams["optimizer"].StringValue);
        Assert.False(start.Hparams["nesterov"].BoolValue);
        Assert.Equal(50.0, start.StartTimeSecs);
    }

    [Fact]
    public void TensorsAndConfusionMatricesCanBeLogged()
    {
        string path;
        using (var w = new SummaryWriter(_dir))
        {
            path = w.FilePath;
            w.AddHistogram("grad", Tensor.FromArray(new double[] { 1, 2, 3, 4 }, [2, 2]), 0);
            w.AddImage("digit", Tensor.FromArray(new float[] { 0f, 1f, 0.5f, 1f }, [2, 2]), 0);
            w.AddImage("cm", ConfusionMatrixImage.Render(new long[,] { { 5, 1 }, { 0, 7 } }), 0);
        }
        var values = EventFileReader.ReadEvents(path).Skip(1).Select(e => e.Summary.Value.Single()).ToList();
        Assert.Equal(10.0, values[0].Histo.Sum);
        var digit = PngTestDecoder.Decode(values[1].Image.EncodedImageString.ToByteArray());
        Assert.Equal((2, 2, 1), (digit.Height, digit.Width, digit.Channels));
        Assert.Equal(new byte[] { 0, 255, 128, 255 }, digit.Pixels);
        Assert.Equal(81, values[2].Image.Width);   // 2 cells of 40 pixels + a grid line
    }

    [Fact]
    public void EveryEventReachesTheFileBeforeTheNextCallByDefault()
    {
        using var w = new SummaryWriter(_dir);
        Assert.Equal(1, w.FlushEvery);
        Assert.Single(EventFileReader.ReadEvents(w.FilePath));
        w.AddScalar("loss", 1.0, 0);
        // No Flush or Dispose: another reader (as after a kill -9) already sees it.
        Assert.Single(EventFileReader.ReadScalars(w.FilePath));
        w.AddScalar("loss", 0.5, 1);
        Assert.Equal(2, EventFileReader.ReadScalars(w.FilePath).Count());
    }

    [Fact]
    public void FlushEveryBatchesEventsUntilTheCountOrAnExplicitFlush()
    {
        using var w = new SummaryWriter(_dir, flushEvery: 3);
        Assert.Single(EventFileReader.ReadEvents(w.FilePath));   // file_version is written at once
        w.AddScalar("a", 1, 0);
        w.AddScalar("a", 2, 1);
        Assert.Empty(EventFileReader.ReadScalars(w.FilePath));
        w.AddScalar("a", 3, 2);
        Assert.Equal(3, EventFileReader.ReadScalars(w.FilePath).Count());
        w.AddScalar("a", 4, 3);
        Assert.Equal(3, EventFileReader.ReadScalars(w.FilePath).Count());
        w.Flush();
        Assert.Equal([1f, 2f, 3f, 4f], EventFileReader.ReadScalars(w.FilePath).Select(s => s.Value));
    }

    [Fact]
    public void DisposeWritesPendingEventsAndIsIdempotent()
    {
        var w = new SummaryWriter(_dir, flushEvery: 100);
        w.AddScalar("a", 1, 0);
        w.Dispose();
        w.Dispose();
        Assert.Single(EventFileReader.ReadScalars(w.FilePath));
        Assert.Throws<ObjectDisposedException>(() => w.AddScalar("a", 2, 1));
        Assert.Throws<ObjectDisposedException>(w.Flush);
    }

    [Fact]
    public void ConcurrentWritersLoseNothing()
    {
        string path;
        using (var w = new SummaryWriter(_dir))
        {
            path = w.FilePath;
            Parallel.For(0, 4, t =>
            {
                for (int i = 0; i < 50; i++) w.AddScalar($"t{t}", i, i);
            });
        }
        var scalars = EventFileReader.ReadScalars(path).ToList();
        Assert.Equal(200, scalars.Count);
        for (int t = 0; t < 4; t++)
            Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), scalars.Where(s => s.Tag == $"t{t}").Select(s => s.Step));
    }

    [Fact]
    public void BadArgumentsAreRejectedWithClearMessages()
    {
        Assert.Throws<ArgumentException>(() => new SummaryWriter(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SummaryWriter(_dir, flushEvery: 0));
        Assert.Contains("path separators", Assert.Throws<ArgumentException>(() => new SummaryWriter(_dir, filenameSuffix: "/x")).Message);

        using var w = new SummaryWriter(_dir);
        Assert.Contains("got ''", Assert.Throws<ArgumentException>(() => w.AddScalar("", 1, 0)).Message);
        Assert.Throws<ArgumentException>(() => w.AddText("  ", "x", 0));
        Assert.Throws<ArgumentNullException>(() => w.AddScalar(null!, 1, 0));
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => w.AddScalar("a", 1, -1)).ParamName);
        Assert.Equal("wallTime", Assert.Throws<ArgumentOutOfRangeException>(() => w.AddScalar("a", 1, 0, double.NaN)).ParamName);
        Assert.Equal("wallTime", Assert.Throws<ArgumentOutOfRangeException>(() => w.AddScalar("a", 1, 0, -1)).ParamName);
        Assert.Contains("value 1 is NaN", Assert.Throws<ArgumentException>(() => w.AddHistogram("h", [1.0, double.NaN], 0)).Message);
        Assert.Contains("at least one value", Assert.Throws<ArgumentException>(() => w.AddHistogram("h", ReadOnlySpan<float>.Empty, 0)).Message);
        Assert.Contains("needs 12 bytes; got 11", Assert.Throws<ArgumentException>(() => w.AddImage("i", new byte[11], 2, 2, 3, 0)).Message);
        Assert.Contains("'when' has a value of type DateTime",
            Assert.Throws<ArgumentException>(() => w.AddHParams(new Dictionary<string, object> { ["when"] = DateTime.UnixEpoch }, [])).Message);
        Assert.Throws<ArgumentException>(() => w.AddHParams(new Dictionary<string, object> { ["lr"] = 0.1 }, [""]));

        // Nothing half-written: the file holds only the file_version event.
        w.Flush();
        Assert.Single(EventFileReader.ReadEvents(w.FilePath));
    }
}
