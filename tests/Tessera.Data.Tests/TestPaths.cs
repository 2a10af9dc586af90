namespace Tessera.Data.Tests;

internal static class TestPaths
{
    /// <summary>The repository's data/fashion-mnist-subset, found by walking up from the test binaries.</summary>
    public static string Subset { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "data", "fashion-mnist-subset");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("data/fashion-mnist-subset not found above " + AppContext.BaseDirectory);
    }
}
