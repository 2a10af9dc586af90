namespace Tessera.Cli.Tests;

/// <summary>
/// The bad-input table: each row is a command line (with <c>{file}</c> placeholders from <see cref="BadInputFiles"/>), the
/// exit code it must end with and a substring of the message. Every row runs the real CLI as a child process. Exit 2 (bad
/// input) must print exactly one <c>error:</c> line on stderr; exit 1 (usage) must print the errors and the help, and no
/// .NET type names; no row may print a stack trace, and stdout must never hold ANSI escape codes (it is a pipe here).
/// </summary>
public sealed class BadInputTests(BadInputFiles files) : IClassFixture<BadInputFiles>
{
    /// <summary>(command line, exit code, expected substring of stderr — or of stdout for exit 0).</summary>
    public static TheoryData<string, int, string> Rows => new()
    {
        // Good runs: only the test split is present, output is redirected.
        { "eval mlp --weights {mlp} --data {data}", 0, "accuracy:" },
        { "eval mlp --weights {mlp} --data {data} --json --threads 1", 0, "\"accuracy\":" },
        { "predict mlp --weights {mlp} --data {data} --index 3 --threads 1", 0, "example 3: predicted" },
        { "plot {run-a} {run-b} --out {out-png}", 0, "wrote" },

        // Data: corrupt, truncated or missing IDX files.
        { "eval mlp --weights {mlp} --data {data-truncated}", 2, "t10k-images-idx3-ubyte: truncated data" },
        { "eval mlp --weights {mlp} --data {data-short-header}", 2, "t10k-images-idx3-ubyte: truncated header" },
        { "eval mlp --weights {mlp} --data {data-bad-magic}", 2, "t10k-labels-idx1-ubyte: bad magic" },
        { "eval mlp --weights {mlp} --data {data-bad-label}", 2, "label 12 at index 7 is outside 0..9" },
        { "eval mlp --weights {mlp} --data {data-bad-gzip}", 2, "t10k-images-idx3-ubyte.gz: corrupt gzip stream" },
        { "eval mlp --weights {mlp} --data {data-no-labels}", 2, "lacks t10k-labels-idx1-ubyte[.gz]" },
        { "eval mlp --weights {mlp} --data {missing}", 2, "does not exist" },
        { "eval mlp --weights {mlp} --data {mlp}", 2, "is a file; expected the directory holding t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]" },
        { "predict mlp --weights {mlp} --data {data-truncated} --index 0", 2, "truncated data" },
        { "predict mlp --weights {mlp} --data {data} --index 2000", 2, "--index 2000 is out of range" },
        { "bench mlp --data {data-train-truncated} --threads 1", 2, "train-images-idx3-ubyte: truncated data" },

        // Weights: missing, corrupt, unsupported dtypes and sizes, the wrong model.
        { "eval mlp --weights {weights-missing} --data {data}", 2, "does not exist" },
        { "eval mlp --weights {weights-dir} --data {data}", 2, "does not exist" },
        { "eval mlp --weights {garbage} --data {data}", 2, "header length" },
        { "eval mlp --weights {truncated} --data {data}", 2, "truncated" },
        { "eval mlp --weights {u32} --data {data}", 2, "'fc1.weight'" },
        { "eval mlp --weights {u32} --data {data}", 2, "dtype U32" },
        { "eval mlp --weights {f8} --data {data}", 2, "dtype F8_E4M3" },
        { "eval mlp --weights {huge} --data {data}", 2, "size 2147483648" },
        { "eval mlp --weights {lenet} --data {data}", 2, "conv1.weight" },
        { "predict lenet --weights {mlp} --data {data} --index 0", 2, "fc1.weight" },
        { "bench load --file {garbage}", 2, "header length" },
        { "bench load --file {u32}", 2, "dtype U32" },
        { "bench load --file {huge}", 2, "2147483648" },
        { "bench load --file {weights-missing}", 2, "does not exist" },

        // Runs for plot.
        { "plot {run-a} --metric accuracy --out {out-png}", 2, "has no column 'accuracy' (nor any '*_accuracy'); its columns: epoch, step, train_loss, train_acc, test_acc, lr, samples_per_s" },
        { "plot {run-a} {missing} --out {out-png}", 2, "does not exist" },
        { "plot {run-no-csv} --out {out-png}", 2, "has no metrics.csv" },
        { "plot {run-empty} --out {out-png}", 2, "is empty" },
        { "plot {run-bad-cell} --out {out-png}", 2, ":3: column 'train_loss' holds 'abc'" },
        { "plot {run-a} --x step --metric lr --out {missing}/x.png", 2, "does not exist" },

        // Usage errors: exit 1 with the help, never a .NET type name.
        { "eval mlp --weights {mlp} --threads abc", 1, "cannot parse 'abc' for option '--threads': expected an integer" },
        { "eval mlp --weights {mlp} --threads 0", 1, "--threads must be at least 1, got 0." },
        { "predict mlp --weights {mlp} --index x", 1, "cannot parse 'x' for option '--index': expected an integer" },
        { "predict mlp --weights {mlp} --index 1 --threads -2", 1, "--threads must be at least 1" },
        { "eval mlp --weights {mlp} --bogus", 1, "Unrecognized command or argument '--bogus'" },
        { "eval mlp", 1, "Option '--weights' is required." },
        { "eval resnet --weights {mlp}", 1, "Argument 'resnet' not recognized. Must be one of: 'mlp', 'lenet'" },
        { "bench gemm --n 0", 1, "--n must be at least 1, got 0." },
        { "bench gemm --threads 1.5", 1, "expected an integer" },
        { "bench memory --steps 0", 1, "--steps must be at least 1" },
        { "bench elementwise nosuchop", 1, "Argument 'nosuchop' not recognized" },
        { "plot {run-a} --out {out-png} --x time", 1, "Argument 'time' not recognized" },
        { "plot {run-a} --out curves.jpg", 1, "--out must end in .png or .svg, got 'curves.jpg'." },
        { "plot {run-a} --out {out-png} --width wide", 1, "cannot parse 'wide' for option '--width': expected an integer" },
        { "plot --out {out-png}", 1, "Required argument 'runs' missing for command: 'plot'" },
        { "nosuchcommand", 1, "Unrecognized command or argument 'nosuchcommand'" },
        { "", 1, "Required command was not provided." },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Row(string commandLine, int exitCode, string message)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(files.Expand).ToArray();
        var r = CliProcess.Run(args, workingDirectory: files.Root);

        Assert.True(r.ExitCode == exitCode, $"expected exit {exitCode}: {r}");
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
        Assert.DoesNotContain('\u001b', r.Stdout);
        switch (exitCode)
        {
            case 0:
                Assert.True(r.Stdout.Contains(message, StringComparison.Ordinal), $"stdout lacks '{message}': {r}");
                Assert.Equal("", r.Stderr);
                break;
            case 1:
                Assert.True(r.ErrorLines.Any(l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains(message, StringComparison.Ordinal)),
                    $"no 'error:' line with '{message}': {r}");
                Assert.Contains("Usage:", r.Stderr);
                Assert.DoesNotMatch(@"System\.[A-Z]", r.Stderr);
                Assert.Equal("", r.Stdout);
                break;
            default:
                Assert.True(r.ErrorLines.Length == 1, $"expected one stderr line: {r}");
                Assert.StartsWith("error: ", r.ErrorLines[0]);
                Assert.True(r.ErrorLines[0].Contains(message, StringComparison.Ordinal), $"stderr lacks '{message}': {r}");
                break;
        }
    }
}
