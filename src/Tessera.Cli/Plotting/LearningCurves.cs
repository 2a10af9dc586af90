using ScottPlot;

namespace Tessera.Cli.Plotting;

/// <summary>Learning curves of several runs on one chart: one line per run (and per matching column), legend = run name.</summary>
internal static class LearningCurves
{
    /// <summary>One line of the chart.</summary>
    /// <param name="Label">Legend text.</param>
    /// <param name="X">Epochs or steps.</param>
    /// <param name="Y">Metric values, parallel to <paramref name="X"/>.</param>
    /// <param name="Dashed">Drawn dashed in PNG, lighter in SVG, with square markers (the second and later columns of one run).</param>
    /// <param name="Color">Index into the palette (one colour per run).</param>
    public sealed record Line(string Label, double[] X, double[] Y, bool Dashed, int Color);

    /// <summary>The columns of <paramref name="run"/> that <paramref name="metric"/> selects: the column of that exact name, otherwise every column ending in "_metric" (loss → train_loss, val_loss).</summary>
    public static IReadOnlyList<string> Select(RunMetrics run, string metric) =>
        run.Has(metric) ? [metric] : run.Columns.Where(c => c.EndsWith("_" + metric, StringComparison.Ordinal)).ToArray();

    /// <summary>Renders the chart as PNG or SVG bytes.</summary>
    public static byte[] Render(IReadOnlyList<Line> lines, string title, string xLabel, string yLabel, bool svg, int width, int height)
    {
        EmbeddedFonts.Register();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var line in lines)
        {
            var scatter = plot.Add.Scatter(line.X, line.Y, palette.GetColor(line.Color));
            scatter.LegendText = line.Label;
            scatter.LineWidth = 2;
            scatter.MarkerSize = line.X.Length <= 40 ? 5 : 0;
            if (line.Dashed)
            {
                scatter.MarkerShape = MarkerShape.FilledSquare;
                // Skia's SVG canvas cannot write dash effects (it prints a warning per line and draws them solid):
                // in SVG the other columns of a run are drawn lighter instead.
                if (svg) scatter.Color = scatter.Color.WithAlpha(0.5);
                else scatter.LinePattern = LinePattern.Dashed;
            }
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (xLabel == "epoch") plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        // Outside the data area, on the right: curves rise or fall into any corner, so an inside legend would hide some.
        plot.ShowLegend(Edge.Right);
        plot.Font.Set(EmbeddedFonts.Family);
        return svg
            ? System.Text.Encoding.UTF8.GetBytes(plot.GetSvgXml(width, height))
            : plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}
