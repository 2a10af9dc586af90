namespace Tessera.Data;

/// <summary>An IDX file is corrupt, truncated or not an IDX file; the message names the file and the problem.</summary>
public sealed class IdxFormatException : Exception
{
    /// <summary>A new exception for <paramref name="path"/> with a description of what is wrong.</summary>
    public IdxFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file that failed to parse.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
