using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// Spectre consoles for the commands' tables and markup. Colours, styles and cursor movement are used only when stdout is
/// a terminal (and NO_COLOR is unset): Spectre's own detection looks at TERM and would write escape codes into files and pipes.
/// </summary>
internal static class CliConsole
{
    /// <summary>Width used when the output is not a terminal, so tables written to files are never wrapped or cut.</summary>
    public const int RedirectedWidth = 200;

    /// <summary>True when stdout is a terminal and colours are wanted.</summary>
    public static bool IsTerminal =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is not { Length: > 0 };

    /// <summary>A console over the current <see cref="Console.Out"/>: ANSI when it is a terminal, plain text otherwise.</summary>
    public static IAnsiConsole Create()
    {
        bool terminal = IsTerminal;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
