namespace Tessera.Training.Tests.TensorBoard;

/// <summary>The repository root and the TensorBoard fixture folder, found from the test's output directory.</summary>
internal static class TensorBoardTestPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Tessera.slnx above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootLazy.Value;

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures", "tensorboard");
}
