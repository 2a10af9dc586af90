namespace Tessera.Data;

/// <summary>
/// Fetches a dataset's files into a directory; <see cref="HttpDatasetDownloader"/> is the implementation
/// used by <see cref="DatasetResolver.Default"/>, and an application may supply another to <see cref="DatasetResolver.Downloader"/>.
/// Whatever it writes is checked against <see cref="DatasetSpec.Sha256"/> before use.
/// </summary>
public interface IDatasetDownloader
{
    /// <summary>Writes the files named by the keys of <see cref="DatasetSpec.Sha256"/> into <paramref name="directory"/>; false when it could not.</summary>
    bool TryDownload(DatasetSpec spec, string directory);
}
