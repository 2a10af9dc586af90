using System.Globalization;

namespace Tessera.Cli;

/// <summary>Prints dataset download progress on stderr (one line per file, updated in place on a terminal).</summary>
internal sealed class DownloadProgress : IProgress<(string File, long Bytes, long? Total)>
{
    private string? _file;
    private long _lastPrinted;

    public void Report((string File, long Bytes, long? Total) value)
    {
        var (file, bytes, total) = value;
        bool newFile = file != _file;
        bool done = total is { } t && bytes >= t;
        if (!newFile && !done && bytes - _lastPrinted < 1 << 20) return;   // throttle to ~1 MB steps
        _file = file;
        _lastPrinted = bytes;
        string amount = total is { } all
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1}/{all / 1048576.0:F1} MB ({100.0 * bytes / Math.Max(1, all):F0}%)")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MB");
        if (Console.IsErrorRedirected)
        {
            if (newFile || done) Console.Error.WriteLine($"downloading {file}: {amount}");
        }
        else
        {
            Console.Error.Write($"\rdownloading {file}: {amount}   ");
            if (done) Console.Error.WriteLine();
        }
    }
}
