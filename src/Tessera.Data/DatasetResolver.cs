namespace Tessera.Data;

/// <summary>
/// Finds a dataset's files. Order: an explicit directory (which must then be complete), then
/// $TESSERA_DATA/&lt;name&gt; and $TESSERA_DATA itself, then ~/.tessera/datasets/&lt;name&gt;, then the
/// spec's system directories, then a download through <see cref="Downloader"/> (only when one is set
/// and the spec lists SHA-256 values), then the small subset shipped in the repository's data/ folder.
/// </summary>
public sealed class DatasetResolver
{
    /// <summary>Environment variable naming a root directory of datasets.</summary>
    public const string EnvironmentVariable = "TESSERA_DATA";

    /// <summary>The resolver with default settings: real environment, home directory and system paths, and an <see cref="HttpDatasetDownloader"/> with a 5 s connect timeout (without network it fails at once or within that timeout, and the shipped subset is used). Settable, so an application can attach a progress reporter to the downloader.</summary>
    public static DatasetResolver Default { get; set; } = new() { Downloader = new HttpDatasetDownloader() };

    /// <summary>The user's home directory; the cache is HomeDirectory/.tessera/datasets.</summary>
    public string? HomeDirectory { get; init; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>Replaces the spec's system directories when set (for tests).</summary>
    public IReadOnlyList<string>? SystemDirectoriesOverride { get; init; }

    /// <summary>Optional downloader; null (the default) never downloads.</summary>
    public IDatasetDownloader? Downloader { get; init; }

    /// <summary>The directory holding shipped subsets; default: the first data/ folder found walking up from the application base directory, then from the current directory.</summary>
    public string? BundledRoot { get; init; } = FindBundledRoot();

    /// <summary>Finds <paramref name="spec"/>'s files.</summary>
    /// <param name="spec">The dataset.</param>
    /// <param name="directory">An explicit directory; when given, it is the only place looked at.</param>
    /// <param name="files">
    /// The files the caller will read (for example only a test split's); a directory qualifies when it holds these.
    /// Null means all of <see cref="DatasetSpec.Files"/>. Downloads always fetch the whole spec.
    /// </param>
    /// <exception cref="ArgumentException">When <paramref name="files"/> names a file that is not in the spec.</exception>
    /// <exception cref="DirectoryNotFoundException">When the explicit directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">When the explicit directory lacks a file, or no step finds the dataset (the message lists the places tried).</exception>
    /// <exception cref="InvalidDataException">When a downloaded file fails its SHA-256 check.</exception>
    public DataSource Resolve(DatasetSpec spec, string? directory = null, IReadOnlyList<string>? files = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var needed = files ?? spec.Files;
        if (needed.FirstOrDefault(f => !spec.Files.Contains(f)) is { } unknown)
            throw new ArgumentException($"{unknown} is not a file of {spec.Name} (files: {string.Join(", ", spec.Files)}).", nameof(files));
        if (directory is not null)
        {
            if (!Directory.Exists(directory))
                throw new DirectoryNotFoundException(File.Exists(directory)
                    ? $"{directory} given for {spec.Name} is a file; expected the directory holding {string.Join(", ", needed.Select(f => f + "[.gz]"))}."
                    : $"Directory {directory} given for {spec.Name} does not exist.");
            var missing = needed.Where(f => FindFile(directory, f) is null).ToArray();
            if (missing.Length > 0)
                throw new FileNotFoundException($"Directory {directory} given for {spec.Name} lacks {string.Join(", ", missing.Select(m => m + "[.gz]"))}.");
            return new DataSource(DataSourceKind.Explicit, Path.GetFullPath(directory));
        }

        var tried = new List<string>();
        DataSource? Try(DataSourceKind kind, string? dir)
        {
            if (string.IsNullOrEmpty(dir)) return null;
            tried.Add(dir);
            return IsComplete(needed, dir) ? new DataSource(kind, Path.GetFullPath(dir)) : null;
        }

        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env))
        {
            if (Try(DataSourceKind.EnvironmentVariable, Path.Combine(env, spec.Name)) is { } a) return a;
            if (Try(DataSourceKind.EnvironmentVariable, env) is { } b) return b;
        }
        string? cache = string.IsNullOrEmpty(HomeDirectory) ? null : Path.Combine(HomeDirectory, ".tessera", "datasets", spec.Name);
        if (Try(DataSourceKind.UserCache, cache) is { } c) return c;
        foreach (var dir in SystemDirectoriesOverride ?? spec.SystemDirectories)
            if (Try(DataSourceKind.System, dir) is { } s) return s;
        if (Downloader is not null && spec.Sha256 is { Count: > 0 } sums && cache is not null)
        {
            Directory.CreateDirectory(cache);
            if (Downloader.TryDownload(spec, cache))
            {
                foreach (var (file, hex) in sums)
                {
                    string path = Path.Combine(cache, file);
                    if (!File.Exists(path)) throw new FileNotFoundException($"The downloader did not write {path}.", path);
                    if (!Checksums.Verify(path, hex))
                    {
                        string actual = Checksums.Sha256Hex(path);
                        File.Delete(path);
                        throw new InvalidDataException($"Downloaded {path} has SHA-256 {actual}, expected {hex}; the file was deleted.");
                    }
                }
                if (IsComplete(needed, cache)) return new DataSource(DataSourceKind.Downloaded, Path.GetFullPath(cache));
            }
            tried.Add("download");
        }
        if (spec.BundledSubdirectory is not null && BundledRoot is not null)
            if (Try(DataSourceKind.Bundled, Path.Combine(BundledRoot, spec.BundledSubdirectory)) is { } d) return d;

        throw new FileNotFoundException(
            $"Could not find {spec.Name} ({string.Join(", ", needed)}, optionally .gz). Tried: {string.Join("; ", tried)}. " +
            $"Pass a directory or set ${EnvironmentVariable}.");
    }

    /// <summary>The path of <paramref name="name"/> in <paramref name="directory"/>, raw preferred over ".gz"; null when neither exists.</summary>
    public static string? FindFile(string directory, string name)
    {
        string raw = Path.Combine(directory, name);
        if (File.Exists(raw)) return raw;
        string gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    private static bool IsComplete(IReadOnlyList<string> files, string dir) => Directory.Exists(dir) && files.All(f => FindFile(dir, f) is not null);

    private static string? FindBundledRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data");
                if (Directory.Exists(Path.Combine(candidate, "fashion-mnist-subset"))) return candidate;
            }
        }
        return null;
    }
}
