namespace Tessera.Data.Tests;

[Collection(EnvironmentCollection.Name)]
public sealed class DatasetResolverTests : IDisposable
{
    private static readonly DatasetSpec Toy = new("toy", ["a-idx1-ubyte", "b-idx1-ubyte"], [], "toy-subset");

    private readonly string? _savedEnv = Environment.GetEnvironmentVariable(DatasetResolver.EnvironmentVariable);
    private readonly TempDir _root = new();

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(DatasetResolver.EnvironmentVariable, _savedEnv);
        _root.Dispose();
    }

    private string Complete(string relative, bool gz = false)
    {
        string dir = _root.Sub(relative);
        foreach (var f in Toy.Files) File.WriteAllBytes(Path.Combine(dir, f + (gz ? ".gz" : "")), [0]);
        return dir;
    }

    private DatasetResolver Resolver(IDatasetDownloader? downloader = null) => new()
    {
        HomeDirectory = Path.Combine(_root.Path, "home"),
        SystemDirectoriesOverride = [Path.Combine(_root.Path, "sys1"), Path.Combine(_root.Path, "sys2")],
        BundledRoot = Path.Combine(_root.Path, "repo-data"),
        Downloader = downloader,
    };

    [Fact]
    public void FollowsTheDocumentedOrder()
    {
        Environment.SetEnvironmentVariable(DatasetResolver.EnvironmentVariable, null);
        var r = Resolver();
        Assert.Throws<FileNotFoundException>(() => r.Resolve(Toy));

        Complete("repo-data/toy-subset", gz: true);
        Assert.Equal(DataSourceKind.Bundled, r.Resolve(Toy).Kind);

        Complete("sys2");
        Assert.Equal((DataSourceKind.System, Path.Combine(_root.Path, "sys2")), (r.Resolve(Toy).Kind, r.Resolve(Toy).Directory));
        Complete("sys1");
        Assert.Equal(Path.Combine(_root.Path, "sys1"), r.Resolve(Toy).Directory);

        Complete("home/.tessera/datasets/toy");
        Assert.Equal(DataSourceKind.UserCache, r.Resolve(Toy).Kind);

        // $TESSERA_DATA itself holding the files, then $TESSERA_DATA/<name> preferred over it.
        string env = Complete("env");
        Environment.SetEnvironmentVariable(DatasetResolver.EnvironmentVariable, env);
        Assert.Equal((DataSourceKind.EnvironmentVariable, env), (r.Resolve(Toy).Kind, r.Resolve(Toy).Directory));
        string envSub = Complete("env/toy");
        Assert.Equal(envSub, r.Resolve(Toy).Directory);

        string explicitDir = Complete("mine");
        var s = r.Resolve(Toy, explicitDir);
        Assert.Equal((DataSourceKind.Explicit, explicitDir), (s.Kind, s.Directory));
        Assert.Contains(explicitDir, s.Description);
    }

    [Fact]
    public void IncompleteDirectoriesAreSkippedButAnIncompleteExplicitOneFails()
    {
        Environment.SetEnvironmentVariable(DatasetResolver.EnvironmentVariable, _root.Sub("env-empty"));
        string partial = _root.Sub("sys1");
        File.WriteAllBytes(Path.Combine(partial, "a-idx1-ubyte"), [0]);
        Complete("sys2");
        var r = Resolver();
        Assert.Equal(Path.Combine(_root.Path, "sys2"), r.Resolve(Toy).Directory);
        var e = Assert.Throws<FileNotFoundException>(() => r.Resolve(Toy, partial));
        Assert.Contains("b-idx1-ubyte[.gz]", e.Message);
        Assert.DoesNotContain("a-idx1-ubyte", e.Message);
    }

    [Fact]
    public void NotFoundListsThePlacesTried()
    {
        Environment.SetEnvironmentVariable(DatasetResolver.EnvironmentVariable, null);
        var e = Assert.Throws<FileNotFoundException>(() => Resolver().Resolve(Toy));
        Assert.Contains(Path.Combine(_root.Path, "home", ".tessera", "datasets", "toy"), e.Message);
        Assert.Contains(Path.Combine(_root.Path, "sys2"), e.Message);
        Assert.Contains("TESSERA_DATA", e.Message);
    }

    private sealed class FakeDownloader(byte[] content) : IDatasetDownloader
    {
        public int Calls { get; private set; }

        public bool TryDownload(DatasetSpec spec, string directory)
        {
            Calls++;
            foreach (var f in spec.Sha256!.Keys) File.WriteAllBytes(Path.Combine(directory, f), content);
            return true;
        }
    }

    [Fact]
    public void DownloadHookIsVerifiedBySha256()
    {
        Environment.SetEnvironmentVariable(DatasetResolver.EnvironmentVariable, null);
        byte[] content = "hello"u8.ToArray();
        const string helloSha = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
        var spec = Toy with { Sha256 = new Dictionary<string, string> { ["a-idx1-ubyte.gz"] = helloSha, ["b-idx1-ubyte.gz"] = helloSha.ToUpperInvariant() } };

        var good = new FakeDownloader(content);
        var s = Resolver(good).Resolve(spec);
        Assert.Equal(DataSourceKind.Downloaded, s.Kind);
        Assert.Equal(1, good.Calls);
        Assert.Equal(DataSourceKind.UserCache, Resolver(good).Resolve(spec).Kind); // now cached

        foreach (var f in Directory.GetFiles(s.Directory)) File.Delete(f);
        var bad = new FakeDownloader("tampered"u8.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Resolver(bad).Resolve(spec));
        Assert.Contains(helloSha, e.Message);
        Assert.False(File.Exists(Path.Combine(s.Directory, "a-idx1-ubyte.gz")));

        // Without checksums there is no download at all.
        var unused = new FakeDownloader(content);
        Assert.Throws<FileNotFoundException>(() => Resolver(unused).Resolve(Toy));
        Assert.Equal(0, unused.Calls);
    }

    [Fact]
    public void Sha256OfAKnownFile()
    {
        string p = _root.File("abc");
        File.WriteAllBytes(p, "abc"u8.ToArray());
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Checksums.Sha256Hex(p));
        Assert.True(Checksums.Verify(p, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
        Assert.False(Checksums.Verify(p, "00"));
    }

    [Fact]
    public void FashionMnistFallsBackToTheShippedSubsetAndSaysSo()
    {
        Environment.SetEnvironmentVariable(DatasetResolver.EnvironmentVariable, null);
        var r = new DatasetResolver { HomeDirectory = _root.Path, SystemDirectoriesOverride = [] };
        var ds = new FashionMnist(train: false, resolver: r);
        Assert.Equal(DataSourceKind.Bundled, ds.Source.Kind);
        Assert.Equal(Path.GetFullPath(TestPaths.Subset), ds.Source.Directory);
        Assert.Contains("subset", ds.Description);
        Assert.Equal(2000, ds.Count);
    }

    [Fact]
    public void FashionMnistHonoursTessera_Data()
    {
        string dir = _root.Sub("env/fashion-mnist");
        foreach (var f in Directory.GetFiles(TestPaths.Subset, "t10k-*")) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        foreach (var f in FashionMnist.Spec.Files.Where(f => f.StartsWith("train")))
            Idx.Write(Path.Combine(dir, f), f.Contains("images")
                ? new IdxData(IdxDataType.UByte, [1, 28, 28], new byte[784])
                : new IdxData(IdxDataType.UByte, [1], new byte[] { 4 }));
        Environment.SetEnvironmentVariable(DatasetResolver.EnvironmentVariable, Path.Combine(_root.Path, "env"));
        var r = new DatasetResolver { HomeDirectory = _root.Path, SystemDirectoriesOverride = [] };
        var train = new FashionMnist(train: true, resolver: r);
        Assert.Equal(DataSourceKind.EnvironmentVariable, train.Source.Kind);
        Assert.Equal(1, train.Count);
        Assert.Equal(4L, train.Targets.ToArray<long>()[0]);
        Assert.Contains("TESSERA_DATA", train.Source.Description);
    }

    [Fact]
    public void TheTestSplitNeedsOnlyTheTestFiles()
    {
        string dir = _root.Sub("test-only");
        foreach (var f in Directory.GetFiles(TestPaths.Subset, "t10k-*")) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        var r = new DatasetResolver { HomeDirectory = _root.Path, SystemDirectoriesOverride = [] };
        var test = new FashionMnist(train: false, directory: dir, resolver: r);
        Assert.Equal((DataSourceKind.Explicit, 2000), (test.Source.Kind, test.Count));
        // The training split still needs its own files, and says which are missing.
        var e = Assert.Throws<FileNotFoundException>(() => new FashionMnist(train: true, directory: dir, resolver: r));
        Assert.Contains("train-images-idx3-ubyte[.gz]", e.Message);
        Assert.DoesNotContain("t10k", e.Message);
        // Asking for all files (the default) still requires all four.
        Assert.Throws<FileNotFoundException>(() => r.Resolve(FashionMnist.Spec, dir));
        Assert.Throws<ArgumentException>(() => r.Resolve(FashionMnist.Spec, dir, ["no-such-file"]));
        Assert.Throws<DirectoryNotFoundException>(() => r.Resolve(FashionMnist.Spec, Path.Combine(dir, "missing"), ["t10k-images-idx3-ubyte"]));
    }
}
