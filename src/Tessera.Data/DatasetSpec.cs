namespace Tessera.Data;

/// <summary>What <see cref="DatasetResolver"/> needs to know to find a dataset on disk.</summary>
/// <param name="Name">Short name, used for the cache and environment-variable subdirectories, e.g. "fashion-mnist".</param>
/// <param name="Files">File names that must all be present; each may also be found with a ".gz" suffix.</param>
/// <param name="SystemDirectories">System-wide directories to try, in order.</param>
/// <param name="BundledSubdirectory">Name of the subset directory under the repository's data/ folder, or null if none is shipped.</param>
/// <param name="Sha256">Expected SHA-256 (hex) of each downloaded file, by file name as stored in the cache; null when unknown, which disables downloading.</param>
/// <param name="Mirrors">Base URLs to download from, tried in order (used by <see cref="HttpDatasetDownloader"/>); null when none.</param>
public sealed record DatasetSpec(
    string Name,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> SystemDirectories,
    string? BundledSubdirectory,
    IReadOnlyDictionary<string, string>? Sha256 = null,
    IReadOnlyList<string>? Mirrors = null);
