namespace Tessera.Data;

/// <summary>
/// Fetches a dataset's files into a directory. Tessera ships no implementation (it never touches the
/// network by itself); an application may supply one to <see cref="DatasetResolver.Downloader"/>.
/// Whatever it writes is checked against <see cref="DatasetSpec.Sha256"/> before use.
/// </summary>
public interface IDatasetDownloader
{
    /// <summary>Writes the files named by the keys of <see cref="DatasetSpec.Sha256"/> into <paramref name="directory"/>; false when it could not.</summary>
    bool TryDownload(DatasetSpec spec, string directory);
}
