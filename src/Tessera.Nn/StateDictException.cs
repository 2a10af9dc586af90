namespace Tessera.Nn;

/// <summary>Thrown by <see cref="Module.LoadStateDict"/> when a state dict does not fit the module; the message lists every problem.</summary>
public sealed class StateDictException : Exception
{
    /// <summary>Creates the exception from the collected problems.</summary>
    public StateDictException(string moduleName, IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys, IReadOnlyList<string> shapeMismatches)
        : base(BuildMessage(moduleName, missingKeys, unexpectedKeys, shapeMismatches))
    {
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
        ShapeMismatches = shapeMismatches;
    }

    /// <summary>Keys the module expects that the state dict lacks.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Keys in the state dict that the module does not have.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>One line per key whose shape differs, naming both shapes.</summary>
    public IReadOnlyList<string> ShapeMismatches { get; }

    private static string BuildMessage(string moduleName, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatches)
    {
        var sb = new System.Text.StringBuilder($"Error(s) in loading state_dict for {moduleName}:");
        if (missing.Count > 0) sb.Append("\n\tMissing key(s) in state_dict: ").Append(string.Join(", ", missing.Select(k => $"\"{k}\""))).Append('.');
        if (unexpected.Count > 0) sb.Append("\n\tUnexpected key(s) in state_dict: ").Append(string.Join(", ", unexpected.Select(k => $"\"{k}\""))).Append('.');
        foreach (var m in mismatches) sb.Append("\n\t").Append(m);
        return sb.ToString();
    }
}
