using System.CommandLine;
using System.CommandLine.Invocation;
using Tessera.Cli.Commands;

namespace Tessera.Cli;

/// <summary>
/// Builds and runs the <c>tessera</c> command line. Exit codes: 0 success, 1 usage error (the errors and the command's
/// help on stderr), 2 bad input (one <c>error:</c> line on stderr), 3 internal error.
/// </summary>
internal static class CliApp
{
    /// <summary>The root command with every top-level command attached. A new top-level command is one Add line here.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Tessera: a pure-managed deep-learning engine.");
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(PlotCommand.Create());
        root.Subcommands.Add(CvCommand.Create());
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        // Dataset downloads (the step before the shipped subset) report their progress on stderr.
        Tessera.Data.DatasetResolver.Default = new Tessera.Data.DatasetResolver
        {
            Downloader = new Tessera.Data.HttpDatasetDownloader { Progress = new DownloadProgress() },
        };
        return Invoke(Build(), args);
    }

    /// <summary>
    /// Parses <paramref name="args"/> against <paramref name="root"/> and runs it with the CLI's error conventions: parse
    /// errors exit 1 with readable messages and the help text; bad-input exceptions (<see cref="CliErrors.IsBadInput"/>)
    /// that escape a command exit 2 with one line; anything else exits 3 with one line.
    /// </summary>
    public static int Invoke(Command root, IReadOnlyList<string> args)
    {
        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is ParseErrorAction)
            return UsageError(root, result);
        try
        {
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (CliErrors.IsBadInput(e))
        {
            return CliErrors.Report(e);
        }
        catch (Exception e)
        {
            return CliErrors.ReportInternal(e);
        }
    }

    private static int UsageError(Command root, ParseResult result)
    {
        foreach (var error in result.Errors)
            Console.Error.WriteLine($"error: {UsageMessages.Describe(error)}");
        Console.Error.WriteLine();
        // Help for the command the user was typing, on stderr so that stdout (often piped JSON) stays clean.
        var path = new List<string>();
        for (var c = result.CommandResult; c is not null && c.Parent is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            path.Insert(0, c.Command.Name);
        path.Add("--help");
        root.Parse(path).Invoke(new InvocationConfiguration { Output = Console.Error, Error = Console.Error });
        return CliErrors.Usage;
    }
}
