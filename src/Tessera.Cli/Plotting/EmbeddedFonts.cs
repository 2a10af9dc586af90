using ScottPlot;
using SkiaSharp;

namespace Tessera.Cli.Plotting;

/// <summary>
/// DejaVu Sans (regular and bold, subset to Latin-1 by tools/fonts/subset_dejavu.py; Bitstream Vera licence in
/// Plotting/Fonts/LICENSE-DejaVu.txt), embedded so that charts have text on machines without system fonts, where Skia
/// would otherwise draw every label as nothing.
/// </summary>
internal sealed class EmbeddedFonts : IFontResolver
{
    /// <summary>The family name charts ask for.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> Regular = new(() => Load("DejaVuSans.subset.ttf"));
    private static readonly Lazy<SKTypeface> Bold = new(() => Load("DejaVuSans-Bold.subset.ttf"));
    private static readonly object Gate = new();
    private static bool _registered;

    /// <summary>Puts the embedded fonts ahead of the system's in ScottPlot's font lookup (once per process).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            Fonts.FontResolvers.Insert(0, new EmbeddedFonts());
            _registered = true;
        }
    }

    /// <inheritdoc />
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        fontName == Family ? (weight >= FontWeight.SemiBold ? Bold.Value : Regular.Value) : null;

    /// <inheritdoc />
    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
        fontName == Family ? (bold ? Bold.Value : Regular.Value) : null;

    private static SKTypeface Load(string file)
    {
        string resource = "Tessera.Cli.Plotting.Fonts." + file;
        using var stream = typeof(EmbeddedFonts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded font {resource} is missing from the assembly.");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"Embedded font {resource} could not be loaded.");
    }
}
