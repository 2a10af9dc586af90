using System.Globalization;
using Google.Protobuf;
using Tensorboard;
using Tensorboard.Hparams;
using HParamType = Tensorboard.Hparams.DataType;
using ProtoValue = Google.Protobuf.WellKnownTypes.Value;
using TensorDataType = Tensorboard.DataType;

namespace Tessera.Training.TensorBoard;

/// <summary>
/// Writes a TensorBoard event file (<c>events.out.tfevents.&lt;10-digit seconds&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;counter&gt;</c>)
/// into a log directory: scalars, histograms, text, hyper-parameters and images, as PyTorch's
/// <c>torch.utils.tensorboard.SummaryWriter</c> writes them, so <c>tensorboard --logdir</c> shows them.
/// </summary>
/// <remarks>
/// <para>Durability: events are handed to the operating system every <see cref="FlushEvery"/> events (default 1: each
/// one, as a single write of the whole record), so a process killed with SIGKILL loses nothing that was flushed;
/// <see cref="Flush"/> forces it and <see cref="Dispose"/> also syncs the file to disk. An event file is an append-only
/// log, so it is written in place, not through a temporary file: readers stop at a torn last record.</para>
/// <para>Thread-safe: calls from several threads are serialised.</para>
/// <para>Steps are non-negative; wall times are seconds since the Unix epoch (now when omitted).</para>
/// </remarks>
public sealed class SummaryWriter : IDisposable
{
    /// <summary>The <c>file_version</c> of the first event; TensorBoard expects <c>brain.Event:</c> and a version.</summary>
    internal const string FileVersion = "brain.Event:2";

    private static int s_fileCounter;

    private readonly Lock _lock = new();
    private readonly FileStream _stream;
    private readonly MemoryStream _pending = new();
    private int _pendingEvents;
    private bool _disposed;

    /// <summary>
    /// Creates <paramref name="logDir"/> if needed and a new event file in it, and writes the file_version event.
    /// </summary>
    /// <param name="logDir">The run's directory; TensorBoard shows each directory holding event files as one run.</param>
    /// <param name="flushEvery">Hand buffered events to the OS after this many (1 = after every event).</param>
    /// <param name="filenameSuffix">Appended to the file name (no path separators), as PyTorch's <c>filename_suffix</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="logDir"/> is empty or <paramref name="filenameSuffix"/> holds a path separator.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="flushEvery"/> is below 1.</exception>
    public SummaryWriter(string logDir, int flushEvery = 1, string filenameSuffix = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDir);
        ArgumentOutOfRangeException.ThrowIfLessThan(flushEvery, 1);
        ArgumentNullException.ThrowIfNull(filenameSuffix);
        if (filenameSuffix.IndexOfAny(['/', '\\', '\0']) >= 0)
            throw new ArgumentException($"The file name suffix '{filenameSuffix}' must not contain path separators.", nameof(filenameSuffix));

        Directory.CreateDirectory(logDir);
        LogDir = logDir;
        FlushEvery = flushEvery;
        double now = UnixNow();
        int counter = Interlocked.Increment(ref s_fileCounter) - 1;
        string name = string.Create(CultureInfo.InvariantCulture,
            $"events.out.tfevents.{(long)Math.Floor(now):D10}.{Environment.MachineName}.{Environment.ProcessId}.{counter}{filenameSuffix}");
        FilePath = Path.Combine(logDir, name);
        // bufferSize 0: no FileStream buffer, so each flush is one write() of whole records and nothing waits in-process.
        _stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        try
        {
            Append(new Event { WallTime = now, FileVersion = FileVersion });
            WritePending();
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    /// <summary>The log directory given to the constructor.</summary>
    public string LogDir { get; }

    /// <summary>The event file being written.</summary>
    public string FilePath { get; }

    /// <summary>Events are handed to the OS after this many; 1 means after every event.</summary>
    public int FlushEvery { get; }

    /// <summary>
    /// Logs a scalar (legacy <c>simple_value</c>, a float32, as PyTorch writes it). NaN and infinities are logged as
    /// they are, since a diverging loss is worth seeing.
    /// </summary>
    /// <exception cref="ArgumentException">An empty tag.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative step or a wall time that is not a finite non-negative number.</exception>
    public void AddScalar(string tag, double value, long step, double? wallTime = null) =>
        AddValue(new Summary.Types.Value { Tag = CheckTag(tag), SimpleValue = (float)value }, step, wallTime);

    /// <summary>
    /// Logs a histogram of <paramref name="values"/> (any shape, flattened) with PyTorch's default bucket edges
    /// (exponential, ±1e-12·1.1^k up to ±1e20).
    /// </summary>
    /// <exception cref="ArgumentException">An empty tag, no values, or a NaN or infinite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative step or a bad wall time.</exception>
    public void AddHistogram(string tag, ReadOnlySpan<double> values, long step, double? wallTime = null) =>
        AddValue(new Summary.Types.Value { Tag = CheckTag(tag), Histo = HistogramBuilder.Build(values) }, step, wallTime);

    /// <inheritdoc cref="AddHistogram(string, ReadOnlySpan{double}, long, double?)"/>
    public void AddHistogram(string tag, ReadOnlySpan<float> values, long step, double? wallTime = null)
    {
        var doubles = new double[values.Length];
        for (int i = 0; i < values.Length; i++) doubles[i] = values[i];
        AddHistogram(tag, doubles, step, wallTime);
    }

    /// <summary>Logs a histogram of a tensor's values (weights, gradients; any shape and dtype, read without autograd).</summary>
    /// <exception cref="ArgumentException">An empty tag, an empty tensor, or a NaN or infinite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative step or a bad wall time.</exception>
    public void AddHistogram(string tag, Tensor values, long step, double? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        AddHistogram(tag, values.Detach().ToDoubleArray(), step, wallTime);
    }

    /// <summary>
    /// Logs text (shown as Markdown in the TEXT tab): a string tensor with plugin <c>text</c>, as the text plugin
    /// expects.
    /// </summary>
    /// <exception cref="ArgumentException">An empty tag.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative step or a bad wall time.</exception>
    public void AddText(string tag, string text, long step, double? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tensor = new TensorProto { Dtype = TensorDataType.DtString, TensorShape = Shape(1) };
        tensor.StringVal.Add(ByteString.CopyFromUtf8(text));
        var value = new Summary.Types.Value
        {
            Tag = CheckTag(tag),
            Metadata = PluginMetadata("text", new TextPluginData { Version = 0 }.ToByteString()),
            Tensor = tensor,
        };
        AddValue(value, step, wallTime);
    }

    /// <summary>
    /// Logs an image (IMAGES tab) as PNG. Channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    /// </summary>
    /// <exception cref="ArgumentException">An empty tag.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative step or a bad wall time.</exception>
    public void AddImage(string tag, PixelImage image, long step, double? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var value = new Summary.Types.Value
        {
            Tag = CheckTag(tag),
            Image = new Summary.Types.Image
            {
                Height = image.Height,
                Width = image.Width,
                Colorspace = image.Channels,   // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA: the same numbers
                EncodedImageString = ByteString.CopyFrom(image.ToPng()),
            },
        };
        AddValue(value, step, wallTime);
    }

    /// <summary>Logs 8-bit pixels <c>// (H, W, C)</c> as an image; see <see cref="AddImage(string, PixelImage, long, double?)"/>.</summary>
    /// <exception cref="ArgumentException">An empty tag or a pixel buffer of the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A bad size, channel count, step or wall time.</exception>
    public void AddImage(string tag, ReadOnlySpan<byte> pixels, int height, int width, int channels, long step, double? wallTime = null) =>
        AddImage(tag, new PixelImage(height, width, channels, pixels), step, wallTime);

    /// <summary>Logs a tensor <c>// (H, W)</c> or <c>// (C, H, W)</c> as an image; see <see cref="PixelImage.FromTensor"/>.</summary>
    /// <exception cref="ArgumentException">An empty tag or a tensor of another shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative step or a bad wall time.</exception>
    public void AddImage(string tag, Tensor image, long step, double? wallTime = null) =>
        AddImage(tag, PixelImage.FromTensor(image), step, wallTime);

    /// <summary>
    /// Logs the run's hyper-parameters for the HPARAMS tab: an experiment naming each hyper-parameter and the metric
    /// tags to show beside them (scalars logged under those tags in this run), and the session's values.
    /// Values are numbers (any .NET numeric type), strings or booleans.
    /// </summary>
    /// <exception cref="ArgumentException">An empty name or metric tag, or a value of another type.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A bad wall time.</exception>
    public void AddHParams(IReadOnlyDictionary<string, object> hparams, IEnumerable<string> metricTags, double? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        ArgumentNullException.ThrowIfNull(metricTags);
        var experiment = new Experiment();
        var start = new SessionStartInfo { StartTimeSecs = CheckWallTime(wallTime) };
        foreach (var (name, raw) in hparams.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A hyper-parameter name is empty.", nameof(hparams));
            var (value, type) = HParamValue(name, raw);
            experiment.HparamInfos.Add(new HParamInfo { Name = name, Type = type });
            start.Hparams[name] = value;
        }
        foreach (var tag in metricTags)
            experiment.MetricInfos.Add(new MetricInfo { Name = new MetricName { Tag = CheckTag(tag) } });
        experiment.TimeCreatedSecs = start.StartTimeSecs;

        var summary = new Summary();
        summary.Value.Add(HParamsValue("_hparams_/experiment", new HParamsPluginData { Experiment = experiment }));
        summary.Value.Add(HParamsValue("_hparams_/session_start_info", new HParamsPluginData { SessionStartInfo = start }));
        Append(new Event { WallTime = start.StartTimeSecs, Step = 0, Summary = summary });
    }

    /// <summary>
    /// Marks a (re)start of the run at <paramref name="step"/> with a <c>SessionLog.START</c> event: TensorBoard then drops
    /// the events of earlier files with a larger step (written by a killed run after the checkpoint it resumes from).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative step.</exception>
    public void AddSessionStart(long step, double? wallTime = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        Append(new Event { WallTime = CheckWallTime(wallTime), Step = step, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start } });
    }

    /// <summary>Hands every buffered event to the operating system (it then survives the process being killed).</summary>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void Flush()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            WritePending();
        }
    }

    /// <summary>Flushes, syncs the file to disk and closes it. Safe to call twice.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            try
            {
                WritePending();
                _stream.Flush(flushToDisk: true);
            }
            finally
            {
                _stream.Dispose();
            }
        }
    }

    private void AddValue(Summary.Types.Value value, long step, double? wallTime)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var e = new Event { WallTime = CheckWallTime(wallTime), Step = step, Summary = new Summary() };
        e.Summary.Value.Add(value);
        Append(e);
    }

    private void Append(Event e)
    {
        var record = TfRecord.Frame(e.ToByteArray());
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pending.Write(record);
            if (++_pendingEvents >= FlushEvery) WritePending();
        }
    }

    private void WritePending()
    {
        if (_pending.Length == 0) return;
        _stream.Write(_pending.GetBuffer(), 0, (int)_pending.Length);
        _pending.SetLength(0);
        _pendingEvents = 0;
    }

    private static string CheckTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (string.IsNullOrWhiteSpace(tag)) throw new ArgumentException($"A summary tag must not be empty or blank; got '{tag}'.", nameof(tag));
        return tag;
    }

    private static double CheckWallTime(double? wallTime)
    {
        if (wallTime is not { } t) return UnixNow();
        if (!double.IsFinite(t) || t < 0)
            throw new ArgumentOutOfRangeException(nameof(wallTime), t, "The wall time is seconds since the Unix epoch: finite and non-negative.");
        return t;
    }

    private static double UnixNow() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;

    private static TensorShapeProto Shape(long size)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = size });
        return shape;
    }

    private static SummaryMetadata PluginMetadata(string plugin, ByteString content) =>
        new() { PluginData = new SummaryMetadata.Types.PluginData { PluginName = plugin, Content = content } };

    // As TensorBoard's hparams summary_v2: plugin "hparams", the plugin data as content, an empty float tensor as value.
    private static Summary.Types.Value HParamsValue(string tag, HParamsPluginData data) => new()
    {
        Tag = tag,
        Metadata = PluginMetadata("hparams", data.ToByteString()),
        Tensor = new TensorProto { Dtype = TensorDataType.DtFloat, TensorShape = Shape(0) },
    };

    private static (ProtoValue Value, HParamType Type) HParamValue(string name, object? raw) => raw switch
    {
        bool b => (ProtoValue.ForBool(b), HParamType.Bool),
        string s => (ProtoValue.ForString(s), HParamType.String),
        double or float or decimal or int or long or short or byte or sbyte or uint or ulong or ushort =>
            (ProtoValue.ForNumber(Convert.ToDouble(raw, CultureInfo.InvariantCulture)), HParamType.Float64),
        Enum e => (ProtoValue.ForString(e.ToString()), HParamType.String),
        _ => throw new ArgumentException(
            $"Hyper-parameter '{name}' has a value of type {raw?.GetType().Name ?? "null"}; use a number, a string or a bool.", "hparams"),
    };
}
