using System.Diagnostics;
using Tessera.Testing.Fixtures;
using Xunit.Abstractions;

namespace Tessera.Metrics.Tests;

/// <summary>The committed fixtures are exactly what tools/make_metrics_fixtures.py writes (skipped without python3-sklearn).</summary>
public class FixtureScriptTests(ITestOutputHelper output)
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public void ScriptReproducesTheCommittedFixtures()
    {
        if (!File.Exists(Python) || Run("-c \"import sklearn\"", out _) != 0)
        {
            output.WriteLine("skipped: needs Debian's python3-sklearn (apt-get install -y python3-sklearn) to rerun tools/make_metrics_fixtures.py");
            return;
        }
        string dir = Path.Combine(Path.GetTempPath(), "tessera-metrics-fixtures-" + Guid.NewGuid().ToString("N"));
        try
        {
            string script = Path.Combine(RepoPaths.Root, "tools", "make_metrics_fixtures.py");
            int rc = Run($"\"{script}\" --out \"{dir}\"", out string log);
            Assert.True(rc == 0, $"make_metrics_fixtures.py failed ({rc}): {log}");
            foreach (string name in new[] { "metrics.json", "splits.json" })
            {
                var fresh = File.ReadAllBytes(Path.Combine(dir, name));
                var committed = File.ReadAllBytes(Path.Combine(RepoPaths.FixturesDirectory, "metrics", name));
                Assert.True(fresh.AsSpan().SequenceEqual(committed), $"tests/fixtures/metrics/{name} differs from the script's output; rerun the script and commit");
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static int Run(string arguments, out string log)
    {
        var psi = new ProcessStartInfo(Python, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        log = stdout.Result + stderr;
        return p.ExitCode;
    }
}
