using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Tessera.Data.Tests;

public sealed class HttpDatasetDownloaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // A small IDX1 file of n labels in 0..9 and its gzip; random so the gzip stays large enough to arrive in pieces.
    private static (byte[] Raw, byte[] Gz) FakeIdx(int n, byte seed)
    {
        var rng = new Random(seed);
        var raw = new byte[8 + n];
        raw[2] = 0x08; raw[3] = 0x01;
        raw[4] = (byte)(n >> 24); raw[5] = (byte)(n >> 16); raw[6] = (byte)(n >> 8); raw[7] = (byte)n;
        for (int i = 0; i < n; i++) raw[8 + i] = (byte)rng.Next(10);
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(raw);
        return (raw, ms.ToArray());
    }

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static readonly (byte[] Raw, byte[] Gz) A = FakeIdx(70_000, 1);
    private static readonly (byte[] Raw, byte[] Gz) B = FakeIdx(300, 7);

    private static DatasetSpec Spec(params string[] mirrors) => new(
        "toy", ["a-idx1-ubyte", "b-idx1-ubyte"], [], null,
        new Dictionary<string, string> { ["a-idx1-ubyte"] = Sha(A.Raw), ["b-idx1-ubyte"] = Sha(B.Raw) },
        mirrors);

    private static Dictionary<string, byte[]> GoodFiles() => new() { ["a-idx1-ubyte.gz"] = A.Gz, ["b-idx1-ubyte.gz"] = B.Gz };

    private string[] Listing() => Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public void DownloadsDecompressesAndVerifies()
    {
        using var server = new LocalServer(GoodFiles());
        var progress = new Recorder();
        var d = new HttpDatasetDownloader(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)) { Progress = progress };

        Assert.True(d.TryDownload(Spec(server.Url), _dir.Path), d.LastError);

        Assert.Null(d.LastError);
        Assert.Equal(["a-idx1-ubyte", "b-idx1-ubyte"], Listing());
        Assert.Equal(A.Raw, File.ReadAllBytes(_dir.File("a-idx1-ubyte")));
        Assert.Equal(B.Raw, File.ReadAllBytes(_dir.File("b-idx1-ubyte")));
        Assert.Equal(70_000, Idx.Read(_dir.File("a-idx1-ubyte")).Shape[0]);
    }

    [Fact]
    public void ReportsIncreasingByteCountsUpToTheTotal()
    {
        using var server = new LocalServer(GoodFiles());
        var progress = new Recorder();
        var d = new HttpDatasetDownloader(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)) { Progress = progress };

        Assert.True(d.TryDownload(Spec(server.Url), _dir.Path), d.LastError);

        var a = progress.Events.Where(e => e.File == "a-idx1-ubyte").ToList();
        Assert.True(a.Count >= 2, $"{a.Count} events");
        for (int i = 1; i < a.Count; i++) Assert.True(a[i].Bytes > a[i - 1].Bytes);
        Assert.All(a, e => Assert.Equal(A.Gz.Length, e.Total));
        Assert.Equal(A.Gz.Length, a[^1].Bytes);
        Assert.Equal(B.Gz.Length, progress.Events.Last(e => e.File == "b-idx1-ubyte").Bytes);
    }

    [Fact]
    public void TriesTheNextMirror()
    {
        using var empty = new LocalServer(new Dictionary<string, byte[]>());
        using var good = new LocalServer(GoodFiles());
        var d = new HttpDatasetDownloader(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));
        Assert.True(d.TryDownload(Spec(empty.Url, good.Url), _dir.Path), d.LastError);
        Assert.Equal(["a-idx1-ubyte", "b-idx1-ubyte"], Listing());
    }

    [Fact]
    public void CorruptedFileFailsAndLeavesNothing()
    {
        var files = GoodFiles();
        files["b-idx1-ubyte.gz"] = FakeIdx(300, 8).Gz; // valid gzip, wrong payload
        using var server = new LocalServer(files);
        var d = new HttpDatasetDownloader(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));

        Assert.False(d.TryDownload(Spec(server.Url), _dir.Path));
        Assert.Contains("SHA-256", d.LastError);
        Assert.Empty(Listing());
    }

    [Fact]
    public void GarbageGzipFailsAndLeavesNothing()
    {
        var files = GoodFiles();
        files["a-idx1-ubyte.gz"] = "not gzip at all"u8.ToArray();
        using var server = new LocalServer(files);
        var d = new HttpDatasetDownloader(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));

        Assert.False(d.TryDownload(Spec(server.Url), _dir.Path));
        Assert.Empty(Listing());
    }

    [Fact]
    public void NotFoundFailsAndLeavesNothing()
    {
        var files = GoodFiles();
        files.Remove("b-idx1-ubyte.gz");
        using var server = new LocalServer(files);
        var d = new HttpDatasetDownloader(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));

        Assert.False(d.TryDownload(Spec(server.Url), _dir.Path));
        Assert.Contains("404", d.LastError);
        Assert.Empty(Listing());
    }

    [Fact]
    public void StalledServerFailsAfterTheOverallTimeout()
    {
        using var server = new LocalServer(GoodFiles(), stallAfter: 20);
        var d = new HttpDatasetDownloader(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));

        var clock = Stopwatch.StartNew();
        Assert.False(d.TryDownload(Spec(server.Url), _dir.Path));
        clock.Stop();

        Assert.Contains("timed out", d.LastError);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString()); // loose: the limit is 0.5 s
        Assert.Empty(Listing());
    }

    [Fact]
    public void ClosedPortFailsWithoutThrowing()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var d = new HttpDatasetDownloader(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));

        Assert.False(d.TryDownload(Spec($"http://127.0.0.1:{port}/"), _dir.Path));
        Assert.NotNull(d.LastError);
        Assert.Empty(Listing());
    }

    [Fact]
    public void UnroutableAddressFailsWithinTheConnectTimeout()
    {
        // 10.255.255.1 is private and normally unrouted: the connection either fails at once or hangs until the connect timeout.
        var d = new HttpDatasetDownloader(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();
        Assert.False(d.TryDownload(Spec("http://10.255.255.1/"), _dir.Path));
        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString()); // loose: 300 ms per file
        Assert.Empty(Listing());
    }

    [Fact]
    public void UnknownHostFailsWithoutThrowing()
    {
        var d = new HttpDatasetDownloader(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5));
        Assert.False(d.TryDownload(Spec("http://tessera-no-such-host.invalid/"), _dir.Path));
        Assert.NotNull(d.LastError);
        Assert.Empty(Listing());
    }

    [Fact]
    public void ResolverUsesTheDownloadIntoTheCache()
    {
        using var server = new LocalServer(GoodFiles());
        string home = _dir.Sub("home");
        var resolver = new DatasetResolver
        {
            HomeDirectory = home,
            SystemDirectoriesOverride = [],
            BundledRoot = null,
            Downloader = new HttpDatasetDownloader(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)),
        };
        var source = resolver.Resolve(Spec(server.Url));
        Assert.Equal(DataSourceKind.Downloaded, source.Kind);
        Assert.Equal(Path.Combine(home, ".tessera", "datasets", "toy"), source.Directory);
    }

    [Fact]
    public void FashionMnistSpecListsPayloadHashesAndTheMirror()
    {
        Assert.Equal(FashionMnist.Spec.Files.Order(), FashionMnist.Spec.Sha256!.Keys.Order());
        Assert.Contains("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", FashionMnist.Spec.Mirrors!);
        Assert.IsType<HttpDatasetDownloader>(DatasetResolver.Default.Downloader);
    }

    private sealed class Recorder : IProgress<(string File, long Bytes, long? Total)>
    {
        public List<(string File, long Bytes, long? Total)> Events { get; } = [];

        public void Report((string File, long Bytes, long? Total) value)
        {
            lock (Events) Events.Add(value);
        }
    }

    /// <summary>Serves fixed files on http://127.0.0.1:&lt;free port&gt;/; 404 for others; optionally stalls after some bytes.</summary>
    private sealed class LocalServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Dictionary<string, byte[]> _files;
        private readonly int? _stallAfter;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public LocalServer(Dictionary<string, byte[]> files, int? stallAfter = null)
        {
            _files = files;
            _stallAfter = stallAfter;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public string Url { get; }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                _ = Task.Run(() => ServeAsync(context));
            }
        }

        private async Task ServeAsync(HttpListenerContext context)
        {
            try
            {
                string name = context.Request.Url!.AbsolutePath.TrimStart('/');
                if (!_files.TryGetValue(name, out var data))
                {
                    context.Response.StatusCode = 404;
                    context.Response.Close();
                    return;
                }
                context.Response.ContentLength64 = data.Length;
                var output = context.Response.OutputStream;
                // Several writes so the client sees the body in pieces.
                int step = Math.Max(1, data.Length / 4);
                for (int at = 0; at < data.Length; at += step)
                {
                    int n = Math.Min(step, data.Length - at);
                    if (_stallAfter is int stall && at + n > stall)
                    {
                        await output.WriteAsync(data.AsMemory(at, Math.Max(0, stall - at)));
                        await output.FlushAsync();
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                    }
                    await output.WriteAsync(data.AsMemory(at, n));
                    await output.FlushAsync();
                }
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                context.Response.Abort();
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _listener.Close();
            try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
            _stop.Dispose();
        }
    }
}
