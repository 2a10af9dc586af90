using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tessera.Cli;

/// <summary>
/// How the CLI reports a failure caused by its input (a file, a directory, an option's value that only the data can
/// judge): one line <c>error: ...</c> on stderr and exit code <see cref="BadInput"/>, never a stack trace.
/// </summary>
internal static partial class CliErrors
{
    /// <summary>Exit code of a successful run.</summary>
    public const int Ok = 0;

    /// <summary>Exit code of a usage error (unknown option, missing argument, a value that does not parse); the help text follows.</summary>
    public const int Usage = 1;

    /// <summary>Exit code of bad input: a missing, unreadable, corrupt or mismatched file or directory.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code of an unexpected failure (a bug); the stack trace is printed only when TESSERA_DEBUG is set.</summary>
    public const int Internal = 3;

    /// <summary>Environment variable that makes internal errors print their full exception.</summary>
    public const string DebugVariable = "TESSERA_DEBUG";

    /// <summary>
    /// True for the exceptions the libraries raise for bad input, whose message names the file or value: format errors
    /// (IDX, CSV, safetensors, JSON metadata), state-dict mismatches, IO and access errors, unsupported dtypes or sizes,
    /// and argument errors.
    /// </summary>
    public static bool IsBadInput(Exception e) => e is IOException or UnauthorizedAccessException or NotSupportedException
        or InvalidDataException or FormatException or ArgumentException or JsonException
        or Tessera.Data.IdxFormatException or Tessera.Data.CsvFormatException or Tessera.IO.SafeTensorsFormatException
        or Tessera.Nn.StateDictException;

    /// <summary>Writes <c>error: message</c> (one line) to stderr and returns <see cref="BadInput"/>.</summary>
    public static int Report(Exception e)
    {
        Console.Error.WriteLine($"error: {OneLine(e)}");
        return BadInput;
    }

    /// <summary>Writes <c>error: message</c> (one line) to stderr and returns <see cref="BadInput"/>.</summary>
    public static int Report(string message)
    {
        Console.Error.WriteLine($"error: {Flatten(message)}");
        return BadInput;
    }

    /// <summary>Reports an exception that is not bad input: one line and <see cref="Internal"/>, the full exception only under TESSERA_DEBUG.</summary>
    public static int ReportInternal(Exception e)
    {
        if (Environment.GetEnvironmentVariable(DebugVariable) is { Length: > 0 }) Console.Error.WriteLine(e);
        Console.Error.WriteLine($"error: internal error: {OneLine(e)} ({e.GetType().Name}; set {DebugVariable}=1 for details)");
        return Internal;
    }

    /// <summary>The exception's message on one line, without the " (Parameter 'x')" suffix argument exceptions add.</summary>
    public static string OneLine(Exception e)
    {
        string m = e.Message;
        if (e is ArgumentException { ParamName: { } p }) m = m.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal);
        return Flatten(m);
    }

    private static string Flatten(string message) => NewLines().Replace(message.Trim(), " ");

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex NewLines();
}
