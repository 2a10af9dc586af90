namespace Tessera.IO;

/// <summary>A safetensors file (or buffer) is malformed, or cannot be represented.</summary>
public sealed class SafeTensorsFormatException : Exception
{
    /// <summary>Creates the exception; the message is prefixed with the source and tensor names when given.</summary>
    public SafeTensorsFormatException(SafeTensorsErrorKind kind, string detail, string? sourceName = null, string? tensorName = null,
        Exception? innerException = null)
        : base(Compose(kind, detail, sourceName, tensorName), innerException)
    {
        Kind = kind;
        Detail = detail;
        SourceName = sourceName;
        TensorName = tensorName;
    }

    /// <summary>What is wrong, as a category.</summary>
    public SafeTensorsErrorKind Kind { get; }

    /// <summary>The description of the problem, without the source/tensor prefix.</summary>
    public string Detail { get; }

    /// <summary>The file path or caller-supplied name of the data, when known.</summary>
    public string? SourceName { get; }

    /// <summary>The tensor the problem concerns, when it concerns one.</summary>
    public string? TensorName { get; }

    private static string Compose(SafeTensorsErrorKind kind, string detail, string? sourceName, string? tensorName)
    {
        string where = sourceName is null ? "safetensors data" : $"safetensors file '{sourceName}'";
        if (tensorName is not null)
            where += $", tensor '{tensorName}'";
        return $"{where}: {detail} ({kind})";
    }
}
