using System.Diagnostics;

namespace Tessera.Cli.Tests;

/// <summary>
/// Runs the built <c>tessera</c> (Tessera.Cli.dll next to the test assembly) as a child process with redirected output,
/// so a test sees exactly what a user's shell would: the exit code, stdout, stderr, and any crash of the process.
/// </summary>
public static class CliProcess
{
    /// <summary>What a run produced.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Non-empty stderr lines.</summary>
        public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        /// <inheritdoc />
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
    }

    /// <summary>The CLI assembly the tests run.</summary>
    public static string CliDll { get; } = Path.Combine(AppContext.BaseDirectory, "Tessera.Cli.dll");

    /// <summary>
    /// Runs <c>dotnet Tessera.Cli.dll args</c> in <paramref name="workingDirectory"/>; kills it and fails after
    /// <paramref name="timeout"/> (default 120 s). TESSERA_DATA is cleared and NO_COLOR unset so that runs do not depend
    /// on the environment; TERM is set to a colour terminal so that escape codes would show up if the CLI wrote them to a pipe.
    /// </summary>
    public static Result Run(IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TESSERA_DATA"] = "";
        psi.Environment.Remove("NO_COLOR");
        psi.Environment["TERM"] = "xterm-256color";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromSeconds(120);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"tessera {string.Join(' ', args)} did not finish within {limit.TotalSeconds} s.");
        }
        process.WaitForExit(); // flushes the asynchronous readers
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
