using Tessera.Training.Loggers;

namespace Tessera.Cli.Tests.Commands;

/// <summary>
/// The bad-input table of <c>tessera train</c>: each row runs the CLI as a child process and expects exit code 2, exactly
/// one line on stderr starting "error: " and containing the given text, and no ANSI escape anywhere.
/// </summary>
public sealed class TrainBadInputTests(TrainRunFixture run) : IClassFixture<TrainRunFixture>
{
    public static TheoryData<string, string> Rows => new()
    {
        { "mlp --lr Infinity", "--lr must be a finite number greater than 0, got Infinity." },
        { "mlp --lr NaN", "--lr must be a finite number greater than 0, got NaN." },
        { "mlp --lr -0.1", "--lr must be a finite number greater than 0, got -0.1." },
        { "mlp --lr 0", "--lr must be a finite number greater than 0, got 0." },
        { "mlp --momentum -1", "--momentum must be a finite number of at least 0, got -1." },
        { "mlp --weight-decay Infinity", "--weight-decay must be a finite number of at least 0, got Infinity." },
        { "mlp --l1 NaN", "--l1 must be a finite number of at least 0, got NaN." },
        { "mlp --epochs 0", "--epochs must be at least 1, got 0." },
        { "mlp --batch-size 0", "--batch-size must be at least 1, got 0." },
        { "mlp --max-steps 0", "--max-steps must be at least 1, got 0." },
        { "mlp --log-every 0", "--log-every must be at least 1, got 0." },
        { "mlp --threads 0", "--threads must be at least 1, got 0." },
        { "mlp --accumulate-grad-batches 0", "--accumulate-grad-batches must be at least 1, got 0." },
        { "mlp --clip-grad-norm Infinity", "--clip-grad-norm must be a finite number greater than 0, got Infinity." },
        { "mlp --val-split 1", "--val-split must be a number between 0 and 1 (exclusive), got 1." },
        { "linreg --val-split 0.1", "--val-split does not apply to linreg" },
        { "linreg --accumulate-grad-batches 2", "--accumulate-grad-batches does not apply to linreg" },
        { "mlp --resume {run} --accumulate-grad-batches 2", "--accumulate-grad-batches 2 conflicts with the checkpoint's 1;" },
        { "mlp --resume {run} --val-split 0.1", "--val-split 0.1 conflicts with the checkpoint's 0;" },
        { "mlp --resume {root}/missing.safetensors", "--resume '{root}/missing.safetensors' does not exist." },
        { "mlp --resume {empty}", "--resume '{empty}' is a folder without a checkpoint.safetensors." },
        { "mlp --resume {garbage}", "safetensors file '{garbage}'" },
        { "mlp --resume {plain}", "is not a Tessera training checkpoint (metadata format is 'missing'" },
        { "mlp --resume {nohparams}", "has no \"model\" hyper-parameter, so its run cannot be resumed" },
        { "mlp --resume {badepoch}", "metadata \"epoch\" is malformed" },
        { "mlp --resume {nostep}", "has no \"step\" metadata." },
        { "mlp --resume {badtrainer}", "metadata \"trainer\" is malformed" },
        { "mlp --resume {nullhistory}", "metadata \"trainer\" is malformed (History, Running and CallbackMetrics are required)" },
        { "mlp --resume {badcallback}", "metadata \"callback.ModelCheckpoint{monitor=none,mode=min}\" is malformed" },
        { "mlp --resume {badlr}", "has a malformed \"lr\" hyper-parameter 'Infinity'." },
        { "mlp --resume {run} --optimizer adam", "--optimizer adam conflicts with the checkpoint's sgd; --resume continues the run with its own settings" },
        { "mlp --resume {run} --lr 0.5", "--lr 0.5 conflicts with the checkpoint's 0.01;" },
        { "mlp --resume {run} --batch-size 64", "--batch-size 64 conflicts with the checkpoint's 32;" },
        { "mlp --resume {run} --seed 3", "--seed 3 conflicts with the checkpoint's 0;" },
        { "mlp --resume {run} --scheduler cosine", "--scheduler cosine conflicts with the checkpoint's none;" },
        { "mlp --resume {run} --momentum 0", "--momentum 0 conflicts with the checkpoint's 0.9;" },
        { "lenet --resume {run}", "model 'lenet' conflicts with the checkpoint's 'mlp'" },
        { "linreg --batch-size 10", "--batch-size does not apply to linreg" },
        { "linreg --l1 0.1", "--l1 does not apply to linreg" },
        { "linreg --scheduler step", "--scheduler does not apply to linreg" },
        { "linreg --data {root}", "--data does not apply to linreg" },
        { "linreg --out {root}", "--out does not apply to linreg" },
        { "linreg --resume {run}", "--resume does not apply to linreg" },
        { "linreg --log-every 5", "--log-every does not apply to linreg" },
        { "linreg --lr Infinity", "--lr must be a finite number greater than 0, got Infinity." },
        { "linreg --lr 1e30 --epochs 50", "pass --allow-nan to continue past it." },
    };

    private string[] Args(string row) => row.Split(' ').Select(a => a
        .Replace("{root}", run.Root, StringComparison.Ordinal).Replace("{empty}", run.EmptyDir, StringComparison.Ordinal)
        .Replace("{garbage}", run.Garbage, StringComparison.Ordinal).Replace("{plain}", run.PlainWeights, StringComparison.Ordinal)
        .Replace("{nohparams}", run.NoHparams, StringComparison.Ordinal).Replace("{badepoch}", run.BadEpoch, StringComparison.Ordinal)
        .Replace("{nostep}", run.NoStep, StringComparison.Ordinal).Replace("{badtrainer}", run.BadTrainer, StringComparison.Ordinal)
        .Replace("{badlr}", run.BadLr, StringComparison.Ordinal)
        .Replace("{nullhistory}", run.NullHistory, StringComparison.Ordinal).Replace("{badcallback}", run.BadCallback, StringComparison.Ordinal).Replace("{run}", run.Run, StringComparison.Ordinal)).ToArray();

    [Theory]
    [MemberData(nameof(Rows))]
    public void BadInputExitsWithCode2AndOneErrorLine(string row, string message)
    {
        var args = Args(row);
        var r = TrainCliProcess.Run(["train", .. args]);
        string expected = string.Join(' ', Args(message));
        Assert.True(r.ExitCode == 2, $"exit code {r.ExitCode}; stderr: {r.Stderr}; stdout: {r.Stdout}");
        string line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("\u001b", r.Stdout + r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Theory]
    [InlineData("mlp --epochs abc", "--epochs needs a whole number, got 'abc'.")]
    [InlineData("mlp --lr fast", "--lr needs a number, got 'fast'.")]
    [InlineData("linreg --seed -1", "--seed needs a whole number of at least 0, got '-1'.")]
    [InlineData("mlp --optimizer sgdd", "sgdd")]
    public void UsageErrorsExitWith1AndTheHelpWithoutTypeNames(string row, string message)
    {
        var r = TrainCliProcess.Run(["train", .. row.Split(' ')]);
        Assert.True(r.ExitCode == 1, $"exit code {r.ExitCode}; stderr: {r.Stderr}");
        Assert.Contains(message, r.Stderr);
        Assert.Contains("Usage:", r.Stderr);   // usage errors print the help on stderr; stdout stays empty
        Assert.Equal("", r.Stdout.Trim());
        Assert.DoesNotContain("System.", r.Stdout + r.Stderr);
        Assert.DoesNotContain("\u001b", r.Stdout + r.Stderr);
    }

    [Fact]
    public void LinregAcceptsItsFlags()
    {
        var r = TrainCliProcess.Run(["train", "linreg", "--epochs", "40", "--lr", "0.05", "--optimizer", "adam", "--momentum", "0", "--weight-decay", "0",
            "--seed", "3", "--threads", "1", "--max-steps", "32", "--allow-nan"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("step 32/40 mse ", r.Stdout);
        Assert.DoesNotContain("step 40/40", r.Stdout);
        Assert.Contains("closed form: w = ", r.Stdout);
    }

    [Fact]
    public void LinregWithAllowNanKeepsGoing()
    {
        var r = TrainCliProcess.Run(["train", "linreg", "--lr", "1e30", "--epochs", "20", "--allow-nan"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("step 20/20 mse ", r.Stdout);
    }

    [Fact]
    public void ResumeFromTheRunFolderContinuesWithTheRunsSettings()
    {
        string copy = Path.Combine(run.Root, "resume-copy");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(run.Run)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        // Flags equal to the run's own are fine; --epochs extends it.
        var r = TrainCliProcess.Run(["train", "mlp", "--resume", copy, "--optimizer", "sgd", "--lr", "0.01", "--epochs", "2", "--max-steps", "5"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains($"resumed from {Path.Combine(copy, "checkpoint.safetensors")} after epoch 1", r.Stdout);
        Assert.Contains("optimizer sgd lr 0.01, scheduler none", r.Stdout);
        var ck = Training.Checkpoint.Load(Path.Combine(copy, "checkpoint.safetensors"));
        Assert.Equal(2, ck.Epoch);
        Assert.Equal(5, ck.Step);
        Assert.Equal("32", ck.Hyperparameters["batch_size"]);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(copy, "metrics.csv")).Length);
    }

    [Fact]
    public void RaisedEpochsStayTheTargetOfLaterResumes()
    {
        string copy = Path.Combine(run.Root, "raise-copy");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(run.Run)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        var first = TrainCliProcess.Run(["train", "mlp", "--resume", copy, "--epochs", "3", "--max-steps", "4"]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var ck = Training.Checkpoint.Load(Path.Combine(copy, "checkpoint.safetensors"));
        Assert.Equal((2, 4L, "3"), (ck.Epoch, ck.Step, ck.Hyperparameters["epochs"]));
        // No --epochs now: the run continues to the 3 epochs it was raised to (not the 2 it started with).
        var second = TrainCliProcess.Run(["train", "mlp", "--resume", copy, "--max-steps", "5"]);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.DoesNotContain("nothing to do", second.Stdout);
        ck = Training.Checkpoint.Load(Path.Combine(copy, "checkpoint.safetensors"));
        Assert.Equal((3, 5L), (ck.Epoch, ck.Step));
        Assert.Equal([1, 2, 3], CsvLogger.Read(Path.Combine(copy, "metrics.csv")).Select(r => r.Epoch));
    }
}
