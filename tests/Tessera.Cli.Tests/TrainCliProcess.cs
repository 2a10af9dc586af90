using System.Diagnostics;

namespace Tessera.Cli.Tests;

/// <summary>Runs the built <c>tessera</c> for the train tests: TESSERA_DATA set to the shipped subset, tiered JIT, optional environment (the kill switch).</summary>
internal static class TrainCliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tessera.Cli.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("TESSERA_TEST_KILL_AT");
        psi.Environment["TESSERA_DATA"] = SubsetDirectory();
        psi.Environment["DOTNET_TieredCompilation"] = "1";   // short runs: start fast rather than compile everything fully first
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"tessera {string.Join(' ', args)} did not finish in {timeoutMs} ms.");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string SubsetDirectory()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string c = Path.Combine(d.FullName, "data", "fashion-mnist-subset");
            if (Directory.Exists(c)) return c;
        }
        throw new DirectoryNotFoundException("data/fashion-mnist-subset not found above the test binaries.");
    }
}
