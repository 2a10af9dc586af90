using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Tessera.Cli;

/// <summary>
/// Rewrites System.CommandLine's parse errors for people: "Cannot parse argument 'abc' for option '--threads' as expected
/// type 'System.Nullable`1[System.Int32]'" becomes "cannot parse 'abc' for option '--threads': expected an integer".
/// </summary>
internal static partial class UsageMessages
{
    /// <summary>The error's message without .NET type names.</summary>
    public static string Describe(ParseError error)
    {
        string message = error.Message;
        var m = CannotParse().Match(message);
        if (m.Success)
        {
            Type? type = error.SymbolResult switch
            {
                OptionResult o => o.Option.ValueType,
                ArgumentResult a => a.Argument.ValueType,
                _ => null,
            };
            message = $"cannot parse '{m.Groups["value"].Value}' for {m.Groups["what"].Value} '{m.Groups["name"].Value}': expected {Expected(type)}"
                + (m.Groups["rest"].Value.Trim() is { Length: > 0 } rest ? " " + rest : "");
        }
        // One line per error: "Must be one of:\n\t'a'\n\t'b'" becomes "Must be one of: 'a', 'b'".
        var parts = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        message = parts.Length <= 1 ? message.Trim() : parts[0] + " " + string.Join(", ", parts[1..]);
        // Whatever else still names a .NET type (a message this class does not know yet) gets a neutral word instead.
        return TypeName().Replace(message, "a value of the expected kind");
    }

    /// <summary>What a value of <paramref name="type"/> looks like, in words.</summary>
    public static string Expected(Type? type)
    {
        if (type is null) return "a value of the expected kind";
        if (type.IsArray) type = type.GetElementType()!;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()));
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 => "an integer",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.Boolean => "true or false",
            _ when type == typeof(FileInfo) || type == typeof(DirectoryInfo) || type == typeof(FileSystemInfo) => "a path",
            _ => "a value of the expected kind",
        };
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?<what>option|argument|command) '(?<name>[^']*)' as expected type '[^']*'\.?(?<rest>.*)$",
        RegexOptions.Singleline)]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"'?\bSystem\.[A-Za-z0-9_.`\[\], ]+'?")]
    private static partial Regex TypeName();
}
