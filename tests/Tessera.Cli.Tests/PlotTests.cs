using SkiaSharp;
using Tessera.Cli.Plotting;

namespace Tessera.Cli.Tests;

public sealed class PlotTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tessera-plot-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Run(string name, string csv)
    {
        string dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "metrics.csv"), csv);
        return dir;
    }

    private (string A, string B) TwoRuns() => (
        Run("sgd-lr0.1", "epoch,step,train_loss,train_acc,test_acc,lr,samples_per_s,val_loss\n1,100,2.0,0.3,0.35,0.1,1000,2.1\n2,200,1.5,0.5,0.52,0.1,1000,1.6\n3,300,1.1,0.6,0.61,0.1,1000,1.3\n"),
        Run("adam-lr0.001", "epoch,step,train_loss,train_acc,test_acc,lr,samples_per_s,val_loss\n1,100,1.8,0.4,0.45,0.001,900,1.9\n2,200,1.2,0.6,0.62,0.001,900,1.4\n"));

    [Fact]
    public void PngOfTwoRunsHasThePngSignatureAPlausibleSizeAndText()
    {
        var (a, b) = TwoRuns();
        string png = Path.Combine(_root, "curves.png");
        var r = CliProcess.Run(["plot", a, b, "--out", png, "--width", "640", "--height", "400"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("4 line(s) of train_loss, val_loss against epoch from 2 run(s)", r.Stdout);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.InRange(bytes.Length, 5_000, 2_000_000);
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.Equal((640, 400), (bitmap.Width, bitmap.Height));
        // The title ("loss") is drawn centred in the top band: some pixels there are dark. Without a usable font Skia
        // draws no text at all and the band stays white.
        int dark = 0;
        for (int y = 0; y < 30; y++)
            for (int x = 220; x < 420; x++)
                if (bitmap.GetPixel(x, y).Red < 128) dark++;
        Assert.True(dark > 20, $"only {dark} dark pixels in the title band");
        Assert.Empty(Directory.GetFiles(_root, "*.tmp"));
    }

    [Fact]
    public void SvgNamesEveryRunAndTheMetric()
    {
        var (a, b) = TwoRuns();
        string svg = Path.Combine(_root, "curves.svg");
        var r = CliProcess.Run(["plot", a, b, "--metric", "test_acc", "--x", "step", "--out", svg]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", r.Stderr);
        string text = File.ReadAllText(svg);
        Assert.StartsWith("<?xml", text);
        Assert.Contains("<svg", text);
        // Skia writes each label as the content of a <text> element, on its own line.
        var labels = System.Text.RegularExpressions.Regex.Matches(text, @"<text[^>]*>\s*([^<]*?)\s*</text>").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("sgd-lr0.1", labels);
        Assert.Contains("adam-lr0.001", labels);
        Assert.Contains("test_acc", labels);
        Assert.Contains("step", labels);
        Assert.Contains("font-family=\"DejaVu Sans\"", text);
    }

    [Fact]
    public void SeveralColumnsPerRunInSvgPrintNoWarnings()
    {
        var (a, b) = TwoRuns();
        string svg = Path.Combine(_root, "loss.svg");
        var r = CliProcess.Run(["plot", a, b, "--metric", "loss", "--out", svg]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", r.Stderr);
        Assert.Contains("4 line(s) of train_loss, val_loss", r.Stdout);
        Assert.Contains("sgd-lr0.1: val_loss", File.ReadAllText(svg));
    }

    [Fact]
    public void UnknownMetricExits2AndListsTheColumns()
    {
        var (a, _) = TwoRuns();
        string png = Path.Combine(_root, "x.png");
        var r = CliProcess.Run(["plot", a, "--metric", "f1", "--out", png]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(
            $"error: run 'sgd-lr0.1' ({Path.Combine(a, "metrics.csv")}) has no column 'f1' (nor any '*_f1'); its columns: epoch, step, train_loss, train_acc, test_acc, lr, samples_per_s, val_loss.",
            Assert.Single(r.ErrorLines));
        Assert.False(File.Exists(png));
    }

    [Fact]
    public void ColumnsAreReadByNameInAnyOrderAndASuffixSelectsSeveral()
    {
        string dir = Run("r", "val_loss,step,epoch,train_loss\n0.9,10,1,1.0\n,20,2,0.8\n0.7,30,3,NaN\n4,40");
        var m = RunMetrics.Read(dir);
        Assert.Equal("r", m.Name);
        Assert.Equal(3, m.RowCount); // the partial last line of a killed run is dropped
        Assert.Equal(["train_loss"], LearningCurves.Select(m, "train_loss"));
        Assert.Equal(["val_loss", "train_loss"], LearningCurves.Select(m, "loss"));
        Assert.Empty(LearningCurves.Select(m, "acc"));
        var (x, y) = m.Series("epoch", "val_loss"); // the empty cell is skipped
        Assert.Equal([1.0, 3.0], x);
        Assert.Equal([0.9, 0.7], y);
        (x, y) = m.Series("step", "train_loss"); // NaN is skipped
        Assert.Equal([10.0, 20.0], x);
        Assert.Equal([1.0, 0.8], y);
    }

    [Fact]
    public void AWrongWidthRowInsideTheFileIsAnErrorNamingTheLine()
    {
        string dir = Run("r", "epoch,train_loss\n1,2.0\n2\n3,1.0\n");
        var e = Assert.Throws<InvalidDataException>(() => RunMetrics.Read(dir));
        Assert.Equal($"{Path.Combine(dir, "metrics.csv")}:3: 1 cells, but the header names 2 columns.", e.Message);
    }

    [Fact]
    public void TheEmbeddedFontHasTheGlyphsChartsNeed()
    {
        var fonts = new EmbeddedFonts();
        var regular = fonts.CreateTypeface(EmbeddedFonts.Family, bold: false, italic: false);
        var bold = fonts.CreateTypeface(EmbeddedFonts.Family, bold: true, italic: false);
        Assert.NotNull(regular);
        Assert.NotNull(bold);
        Assert.NotSame(regular, bold);
        Assert.True(regular!.ContainsGlyphs("epoch step loss 0123456789 .,-_:() sgd-lr0.1 µ±é"));
        Assert.Null(fonts.CreateTypeface("Comic Sans", bold: false, italic: false));
    }
}
