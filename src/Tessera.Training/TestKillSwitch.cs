using System.Diagnostics;

namespace Tessera.Training;

/// <summary>
/// Lets the kill-and-resume tests end this process abruptly (SIGKILL, as <c>kill -9</c>) right after a given write
/// step: set <c>TESSERA_TEST_KILL_AT</c> to a step name (e.g. <c>checkpoint.safetensors</c> after that rename, or
/// <c>model.safetensors.tmp</c> after its temporary file is complete but before the rename), optionally with
/// <c>@N</c> to kill at the N-th time the step is reached (default 1).
/// </summary>
internal static class TestKillSwitch
{
    private static readonly string? Step;
    private static readonly int Occurrence = 1;
    private static int _seen;

    static TestKillSwitch()
    {
        string? v = Environment.GetEnvironmentVariable("TESSERA_TEST_KILL_AT");
        if (string.IsNullOrEmpty(v)) return;
        int at = v.LastIndexOf('@');
        if (at > 0 && int.TryParse(v.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k))
        {
            Step = v[..at];
            Occurrence = k;
        }
        else Step = v;
    }

    /// <summary>Kills the process when <paramref name="step"/> is the configured step (at its configured occurrence).</summary>
    public static void At(string step)
    {
        if (Step is null || step != Step) return;
        if (Interlocked.Increment(ref _seen) != Occurrence) return;
        Console.Out.Flush();
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
