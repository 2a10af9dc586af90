using System.CommandLine;
using Tessera.Cli.Commands;

namespace Tessera.Cli;

/// <summary>Builds and runs the <c>tessera</c> command line.</summary>
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
        return Build().Parse(args).Invoke();
    }
}
