namespace Tessera.Data;

/// <summary>Where <see cref="DatasetResolver"/> found a dataset, in the order it looks.</summary>
public enum DataSourceKind
{
    /// <summary>A directory passed explicitly by the caller.</summary>
    Explicit,
    /// <summary>Under the directory named by the TESSERA_DATA environment variable.</summary>
    EnvironmentVariable,
    /// <summary>The per-user cache, ~/.tessera/datasets/&lt;name&gt;.</summary>
    UserCache,
    /// <summary>A system-wide copy, e.g. Debian's /usr/share/datasets/fashion-mnist.</summary>
    System,
    /// <summary>Fetched by an <see cref="IDatasetDownloader"/> into the user cache and checked against SHA-256 values.</summary>
    Downloaded,
    /// <summary>The small subset shipped in the repository under data/.</summary>
    Bundled,
}
