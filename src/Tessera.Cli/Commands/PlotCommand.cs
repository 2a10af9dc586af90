using System.CommandLine;
using System.Globalization;
using Tessera.Cli.Plotting;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera plot RUN [RUN...] [--metric NAME] [--x epoch|step] --out FILE.png|svg</c>: learning curves of several runs on
/// one chart, read by column name from each run folder's metrics.csv.
/// </summary>
internal static class PlotCommand
{
    /// <summary>Creates the <c>plot</c> command.</summary>
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs") { Description = "Run folders (each holding metrics.csv) or metrics.csv files.", Arity = ArgumentArity.OneOrMore };
        var metric = new Option<string>("--metric")
        {
            Description = "Column to plot. A name that is not a column selects every column ending in _NAME (loss: train_loss, val_loss ...).",
            DefaultValueFactory = _ => "loss",
        };
        var x = new Option<string>("--x") { Description = "Horizontal axis column.", DefaultValueFactory = _ => "epoch" };
        x.AcceptOnlyFromAmong("epoch", "step");
        var output = new Option<string>("--out") { Description = "Output image: FILE.png or FILE.svg.", Required = true };
        CliOptions.AddCheck(output, path => FormatOf(path) is null ? $"--out must end in .png or .svg, got '{path}'." : null);
        var title = new Option<string?>("--title") { Description = "Chart title. Default: the metric name." };
        var width = new Option<int>("--width") { Description = "Image width in pixels.", DefaultValueFactory = _ => 900 };
        var height = new Option<int>("--height") { Description = "Image height in pixels.", DefaultValueFactory = _ => 540 };
        foreach (var o in new[] { width, height })
            CliOptions.AddCheck(o, v => v is < 100 or > 10000 ? $"{o.Name} must be between 100 and 10000, got {v}." : null);
        var command = new Command("plot", "Draw learning curves of one or more runs (x = epoch or step, one line per run) into a PNG or SVG file.")
        {
            runs, metric, x, output, title, width, height,
        };
        command.SetAction(r =>
        {
            try
            {
                return Run(r.GetValue(runs)!, r.GetValue(metric)!, r.GetValue(x)!, r.GetValue(output)!, r.GetValue(title),
                    r.GetValue(width), r.GetValue(height));
            }
            catch (Exception e) when (CliErrors.IsBadInput(e))
            {
                return CliErrors.Report(e);
            }
        });
        return command;
    }

    private static string? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "png",
        ".svg" => "svg",
        _ => null,
    };

    private static int Run(string[] runPaths, string metric, string x, string output, string? title, int width, int height)
    {
        var runs = runPaths.Select(RunMetrics.Read).ToList();
        var lines = new List<LearningCurves.Line>();
        var plotted = new List<string>(); // the columns drawn, for the axis label
        // Two runs with the same folder name (a/run1, b/run1) are told apart by the path the user gave.
        var names = runs.Select(r => r.Name).ToList();
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            string name = names.Count(n => n == run.Name) > 1 ? runPaths[i] : run.Name;
            if (!run.Has(x))
                return CliErrors.Report($"run '{name}' ({run.Path}) has no column '{x}' for the horizontal axis; its columns: {string.Join(", ", run.Columns)}.");
            var columns = LearningCurves.Select(run, metric);
            if (columns.Count == 0)
                return CliErrors.Report($"run '{name}' ({run.Path}) has no column '{metric}' (nor any '*_{metric}'); its columns: {string.Join(", ", run.Columns)}.");
            for (int c = 0; c < columns.Count; c++)
            {
                var (xs, ys) = run.Series(x, columns[c]);
                if (xs.Length == 0)
                {
                    Console.Error.WriteLine($"warning: run '{name}' has no values of '{columns[c]}'; skipped.");
                    continue;
                }
                lines.Add(new LearningCurves.Line(columns.Count > 1 ? $"{name}: {columns[c]}" : name, xs, ys, Dashed: c > 0, Color: i));
                if (!plotted.Contains(columns[c])) plotted.Add(columns[c]);
            }
        }
        if (lines.Count == 0) return CliErrors.Report($"no values of '{metric}' to plot in {string.Join(", ", runPaths)}.");

        string? dir = Path.GetDirectoryName(Path.GetFullPath(output));
        if (dir is not null && !Directory.Exists(dir)) return CliErrors.Report($"--out '{output}': directory {dir} does not exist.");
        string yLabel = string.Join(", ", plotted);
        bool svg = FormatOf(output) == "svg";
        byte[] bytes = LearningCurves.Render(lines, title ?? metric, x, yLabel, svg, width, height);
        WriteAtomically(output, bytes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output} ({(svg ? "SVG" : "PNG")}, {width}x{height}): {lines.Count} line(s) of {yLabel} against {x} from {runs.Count} run(s)"));
        return CliErrors.Ok;
    }

    /// <summary>Writes <paramref name="bytes"/> to a temp file beside <paramref name="path"/> and renames it over <paramref name="path"/>.</summary>
    internal static void WriteAtomically(string path, byte[] bytes)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
