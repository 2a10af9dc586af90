using Tessera.IO;
using Tessera.Training.Loggers;

namespace Tessera.Cli.Tests.Commands;

/// <summary>
/// Kills <c>tessera train</c> (SIGKILL, through TESSERA_TEST_KILL_AT) right after each write step of the second epoch,
/// checks that nothing it had reported is lost, resumes, and checks that the run folder then equals an uninterrupted run's.
/// </summary>
public sealed class TrainKillResumeTests(TrainKillResumeTests.Reference reference) : IClassFixture<TrainKillResumeTests.Reference>, IDisposable
{
    private static readonly string[] RunArgs = ["train", "mlp", "--epochs", "2", "--batch-size", "500", "--optimizer", "adam", "--lr", "0.003", "--scheduler", "step", "--l1", "1e-5"];
    private readonly string _root = Directory.CreateTempSubdirectory("tessera-kill-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The uninterrupted run every killed one must end up equal to.</summary>
    public sealed class Reference : IDisposable
    {
        public Reference()
        {
            Root = Directory.CreateTempSubdirectory("tessera-kill-ref-").FullName;
            var r = TrainCliProcess.Run([.. RunArgs, "--out", Root]);
            if (r.ExitCode != 0) throw new InvalidOperationException($"reference run failed ({r.ExitCode}): {r.Stderr}");
        }

        public string Root { get; }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    [Theory]
    [InlineData("metrics.csv.tmp")]
    [InlineData("metrics.csv")]
    [InlineData("model.safetensors.tmp")]
    [InlineData("model.safetensors")]
    [InlineData("checkpoint.safetensors.tmp")]
    [InlineData("checkpoint.safetensors")]
    public void KilledAfterAWriteStepResumesToTheUninterruptedResult(string step)
    {
        string refDir = reference.Root;
        string dir = Path.Combine(_root, "killed");
        var killed = TrainCliProcess.Run([.. RunArgs, "--out", dir], new Dictionary<string, string> { ["TESSERA_TEST_KILL_AT"] = step + "@2" });
        Assert.True(killed.ExitCode != 0, $"the run was not killed at {step}: {killed.Stdout}");

        // Nothing reported is lost: every epoch printed is in the checkpoint and in metrics.csv.
        var ck = Training.Checkpoint.Load(Path.Combine(dir, "checkpoint.safetensors"));
        int printed = killed.Stdout.Split('\n').Count(l => l.StartsWith("epoch ", StringComparison.Ordinal) && l.Contains(" step ", StringComparison.Ordinal));
        Assert.Equal(1, printed);
        Assert.True(ck.Epoch >= printed);
        Assert.True(CsvLogger.Read(Path.Combine(dir, "metrics.csv")).Count >= printed);
        if (step.EndsWith(".tmp", StringComparison.Ordinal))
            Assert.Single(Directory.GetFiles(dir, "." + step[..^4] + ".*.tmp"));

        var resumed = TrainCliProcess.Run(["train", "mlp", "--resume", dir]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains($"after epoch {ck.Epoch}", resumed.Stdout);

        // No temp files left; each process (killed and resumed) added its own TensorBoard event file.
        Assert.Equal(["checkpoint.safetensors", "metrics.csv", "model.safetensors"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Where(f => !f!.StartsWith("events.out.tfevents.", StringComparison.Ordinal)).Order());
        Assert.Equal(2, Directory.GetFiles(dir, "events.out.tfevents.*").Length);
        Assert.Equal(File.ReadAllBytes(Path.Combine(refDir, "model.safetensors")), File.ReadAllBytes(Path.Combine(dir, "model.safetensors")));
        var want = CsvLogger.Read(Path.Combine(refDir, "metrics.csv"));
        var got = CsvLogger.Read(Path.Combine(dir, "metrics.csv"));
        Assert.Equal(want.Select(r => (r.Epoch, r.Step)), got.Select(r => (r.Epoch, r.Step)));
        for (int i = 0; i < want.Count; i++)
            foreach (var (k, v) in want[i].Values)
                if (k != "samples_per_s") Assert.Equal(v, got[i].Values[k]);
        var final = Training.Checkpoint.Load(Path.Combine(dir, "checkpoint.safetensors"));
        Assert.Equal(2, final.Epoch);
        var weights = SafeTensors.Load(Path.Combine(dir, "model.safetensors"), mapped: false);
        foreach (var (k, v) in final.Model) Assert.Equal(v.ToArray<float>(), weights[k].ToArray<float>());
    }
}
