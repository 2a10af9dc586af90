using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Tessera.Data;

/// <summary>
/// Downloads a dataset's files over HTTP from <see cref="DatasetSpec.Mirrors"/>, trying each mirror in order.
/// A key of <see cref="DatasetSpec.Sha256"/> ending in ".gz" is fetched and stored as is; any other key K is
/// fetched as K.gz and stored decompressed, so its hash is that of the payload (the IDX content), which stays
/// the same however a mirror recompresses it. Each file is streamed into a temporary file in the target
/// directory, hashed on the way, and only when every file matches are they all renamed into place: a failure
/// never leaves a file under a final name. Network errors, timeouts, HTTP errors, bad gzip data and hash
/// mismatches all make <see cref="TryDownload"/> return false (see <see cref="LastError"/>); it never throws for them.
/// </summary>
public sealed class HttpDatasetDownloader : IDatasetDownloader
{
    private const string TempPrefix = ".tessera-download-";

    /// <summary>Creates a downloader.</summary>
    /// <param name="connectTimeout">Limit for opening each connection; default 5 s.</param>
    /// <param name="timeout">Limit for the whole download of a dataset; default 10 min.</param>
    public HttpDatasetDownloader(TimeSpan? connectTimeout = null, TimeSpan? timeout = null)
    {
        ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(5);
        Timeout = timeout ?? TimeSpan.FromMinutes(10);
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(connectTimeout));
        if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout));
    }

    /// <summary>Limit for opening each connection.</summary>
    public TimeSpan ConnectTimeout { get; }

    /// <summary>Limit for one <see cref="TryDownload"/> call, all files and mirrors together.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Receives (file name as stored, bytes received so far, total bytes when the server said) as data arrives; bytes are counted as sent over the wire (compressed).</summary>
    public IProgress<(string File, long Bytes, long? Total)>? Progress { get; init; }

    /// <summary>Why the last <see cref="TryDownload"/> returned false; null after a success.</summary>
    public string? LastError { get; private set; }

    /// <inheritdoc/>
    public bool TryDownload(DatasetSpec spec, string directory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        LastError = null;
        if (spec.Sha256 is not { Count: > 0 } sums) { LastError = $"{spec.Name} lists no SHA-256 values."; return false; }
        if (spec.Mirrors is not { Count: > 0 } mirrors) { LastError = $"{spec.Name} lists no mirrors."; return false; }

        var temps = new Dictionary<string, string>();
        try
        {
            Directory.CreateDirectory(directory);
            using var cts = new CancellationTokenSource(Timeout);
            using var handler = new SocketsHttpHandler { ConnectTimeout = ConnectTimeout, AutomaticDecompression = DecompressionMethods.None };
            using var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Tessera", "1.0"));

            foreach (var (file, hex) in sums)
            {
                string temp = Path.Combine(directory, TempPrefix + Guid.NewGuid().ToString("N") + ".part");
                temps[file] = temp;
                var errors = new List<string>();
                bool ok = false;
                foreach (var mirror in mirrors)
                {
                    string? error = FetchAsync(client, mirror, file, hex, temp, cts.Token).GetAwaiter().GetResult();
                    if (error is null) { ok = true; break; }
                    errors.Add(error);
                    if (cts.IsCancellationRequested) break;
                }
                if (!ok)
                {
                    LastError = string.Join("; ", errors);
                    return false;
                }
            }

            foreach (var (file, temp) in temps) File.Move(temp, Path.Combine(directory, file), overwrite: true);
            temps.Clear();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LastError = e.Message;
            return false;
        }
        finally
        {
            foreach (var temp in temps.Values) TryDelete(temp);
        }
    }

    // Returns null on success, else a one-line reason; the temporary file is left for the caller to remove.
    private async Task<string?> FetchAsync(HttpClient client, string mirror, string file, string expectedHex, string temp, CancellationToken token)
    {
        bool decompress = !file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        string remote = decompress ? file + ".gz" : file;
        Uri uri;
        try { uri = new Uri(new Uri(mirror.EndsWith('/') ? mirror : mirror + "/"), remote); }
        catch (UriFormatException e) { return $"{mirror}: {e.Message}"; }

        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return $"{uri}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            long? total = response.Content.Headers.ContentLength;
            await using var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using var counted = new ProgressStream(body, file, total, Progress);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false))
            {
                Stream source = decompress ? new GZipStream(counted, CompressionMode.Decompress, leaveOpen: true) : counted;
                await using (source.ConfigureAwait(false))
                {
                    var buffer = new byte[1 << 16];
                    int n;
                    while ((n = await source.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(buffer, 0, n);
                        output.Write(buffer, 0, n);
                    }
                }
            }
            string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!string.Equals(actual, expectedHex.Trim(), StringComparison.OrdinalIgnoreCase))
                return $"{uri}: SHA-256 {actual}, expected {expectedHex}";
            return null;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return $"{uri}: timed out after {Timeout.TotalSeconds:0.###} s";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or OperationCanceledException)
        {
            // OperationCanceledException without our token is HttpClient's connect timeout.
            return $"{uri}: {e.Message}";
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
