namespace Tessera.Testing.Fixtures;

/// <summary>Locates the repository from a test's output directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root: the nearest ancestor of <see cref="AppContext.BaseDirectory"/> holding Tessera.slnx.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>tests/fixtures under the repository root.</summary>
    public static string FixturesDirectory => Path.Combine(Root, "tests", "fixtures");

    /// <summary>tests/fixtures/ops under the repository root.</summary>
    public static string OpFixturesDirectory => Path.Combine(FixturesDirectory, "ops");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No Tessera.slnx found in {AppContext.BaseDirectory} or any parent directory.");
    }
}
