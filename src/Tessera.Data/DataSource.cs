namespace Tessera.Data;

/// <summary>The directory a dataset was loaded from and how it was found.</summary>
/// <param name="Kind">Which resolution step found it.</param>
/// <param name="Directory">The directory holding the files.</param>
public sealed record DataSource(DataSourceKind Kind, string Directory)
{
    /// <summary>A one-line human-readable description, e.g. for the CLI.</summary>
    public string Description => Kind switch
    {
        DataSourceKind.Explicit => $"directory {Directory} (given explicitly)",
        DataSourceKind.EnvironmentVariable => $"directory {Directory} (from ${DatasetResolver.EnvironmentVariable})",
        DataSourceKind.UserCache => $"user cache {Directory}",
        DataSourceKind.System => $"system copy {Directory}",
        DataSourceKind.Downloaded => $"download verified by SHA-256 into {Directory}",
        _ => $"small subset shipped with Tessera at {Directory} (not the full dataset)",
    };

    /// <inheritdoc />
    public override string ToString() => Description;
}
