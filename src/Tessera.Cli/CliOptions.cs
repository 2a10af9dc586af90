using System.CommandLine;
using Tessera.Threading;

namespace Tessera.Cli;

/// <summary>Options shared by several commands, validated at parse time so a bad value is a usage error (exit 1).</summary>
internal static class CliOptions
{
    /// <summary><c>--threads N</c> (N ≥ 1): threads for the kernels; absent means the processor count.</summary>
    public static Option<int?> Threads(string description = "Threads for the kernels. Default: processor count.")
    {
        var threads = new Option<int?>("--threads") { Description = description };
        AddCheck(threads, t => t is < 1 ? $"--threads must be at least 1, got {t}." : null);
        return threads;
    }

    /// <summary>
    /// Adds a parse-time check of an option's value: <paramref name="check"/> returns an error message or null. Values
    /// that do not convert are left to the parser's own error, and defaults (no token) are not checked.
    /// </summary>
    public static void AddCheck<T>(Option<T> option, Func<T, string?> check)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return;
            T value;
            try
            {
                value = r.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return; // not convertible: the parser reports that itself
            }
            if (check(value) is { } error) r.AddError(error);
        });
    }

    /// <summary>Sets <see cref="Parallelism.ThreadCount"/> from a <see cref="Threads"/> option when it was given.</summary>
    public static void ApplyThreads(ParseResult result, Option<int?> threads)
    {
        if (result.GetValue(threads) is { } t) Parallelism.ThreadCount = t;
    }
}
