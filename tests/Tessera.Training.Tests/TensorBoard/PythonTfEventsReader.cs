using System.Diagnostics;
using System.Text.Json;

namespace Tessera.Training.Tests.TensorBoard;

/// <summary>
/// Runs tools/read_tfevents.py (Debian's /usr/bin/python3 with python3-protobuf and python3-crc32c) on an event file.
/// </summary>
internal static class PythonTfEventsReader
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> MissingLazy = new(FindMissing);

    /// <summary>Why the reader cannot run here (naming the Debian packages), or null when it can.</summary>
    public static string? Missing => MissingLazy.Value;

    /// <summary>The reader's JSON lines, one per event; throws with its stderr when it fails.</summary>
    public static List<JsonElement> Read(string path)
    {
        var (code, stdout, stderr) = Run(Path.Combine(TensorBoardTestPaths.Root, "tools", "read_tfevents.py"), path);
        if (code != 0) throw new InvalidOperationException($"read_tfevents.py exited with {code}: {stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    /// <summary>Runs the reader and returns its exit code and stderr (for files it must reject).</summary>
    public static (int Code, string Stderr) ReadExpectingFailure(string path)
    {
        var (code, _, stderr) = Run(Path.Combine(TensorBoardTestPaths.Root, "tools", "read_tfevents.py"), path);
        return (code, stderr);
    }

    private static string? FindMissing()
    {
        if (!File.Exists(Python)) return $"{Python} not found (install the Debian packages python3, python3-protobuf and python3-crc32c)";
        var (code, _, stderr) = Run("-c", "import google.protobuf, crc32c");
        return code == 0 ? null
            : $"{Python} cannot import google.protobuf and crc32c (install the Debian packages python3-protobuf and python3-crc32c): {stderr.Trim().Split('\n')[^1]}";
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var stderrTask = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill();
            throw new TimeoutException($"{Python} {string.Join(' ', args)} did not finish in 120 s.");
        }
        return (p.ExitCode, stdout, stderrTask.Result);
    }
}
