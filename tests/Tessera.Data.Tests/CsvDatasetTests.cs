namespace Tessera.Data.Tests;

public class CsvDatasetTests
{
    private static CsvDataset FromText(string text, string target, CsvTask task, string[]? features = null) =>
        CsvDataset.Load(new StringReader(text), "mem.csv", target, task, features);

    private static CsvFormatException Fails(string text, string target = "y", CsvTask task = CsvTask.Regression, string[]? features = null) =>
        Assert.Throws<CsvFormatException>(() => FromText(text, target, task, features));

    [Fact]
    public void RegressionWithAllOtherColumnsAsFeatures()
    {
        var ds = FromText("a,y,b\n1,2.5,3\n-4e-1,  5 ,6.25\r\n\n7,8,9", "y", CsvTask.Regression);
        Assert.Equal(3, ds.Count);
        Assert.Equal(["a", "b"], ds.FeatureNames);
        Assert.Equal([3, 2], ds.Inputs.ShapeArray());
        Assert.Equal(new[] { 1f, 3f, -0.4f, 6.25f, 7f, 9f }, ds.Inputs.ToArray<float>());
        Assert.Equal(DType.Float32, ds.Targets.DType);
        Assert.Equal(new[] { 2.5f, 5f, 8f }, ds.Targets.ToArray<float>());
        Assert.Empty(ds.ClassNames);
    }

    [Fact]
    public void ClassificationMapsLabelsToSortedIds()
    {
        var ds = FromText("x,kind\n1,cat\n2,dog\n3,\"ant, red\"\n4,cat\n", "kind", CsvTask.Classification);
        Assert.Equal(["ant, red", "cat", "dog"], ds.ClassNames);
        Assert.Equal(DType.Int64, ds.Targets.DType);
        Assert.Equal(new long[] { 1, 2, 0, 1 }, ds.Targets.ToArray<long>());

        var numeric = FromText("x,c\n0,10\n0,9\n0,2\n", "c", CsvTask.Classification);
        Assert.Equal(["2", "9", "10"], numeric.ClassNames);
        Assert.Equal(new long[] { 2, 1, 0 }, numeric.Targets.ToArray<long>());
    }

    [Fact]
    public void ChosenFeatureColumnsInTheGivenOrder()
    {
        var ds = FromText("a,b,c,y\n1,2,3,0\n", "y", CsvTask.Regression, ["c", "a"]);
        Assert.Equal(new[] { 3f, 1f }, ds.Inputs.ToArray<float>());
    }

    [Fact]
    public void QuotedFieldsWithQuotesDelimitersAndNewlines()
    {
        var ds = FromText("\"a\",\"name \"\"q\"\"\",y\n\"1.5\",\"x,\ny\",\"2\"\n3,z,4\n", "y", CsvTask.Regression, ["a"]);
        Assert.Equal(new[] { 1.5f, 3f }, ds.Inputs.ToArray<float>());
        // The embedded newline counts: the record after it starts on line 4.
        var e = Fails("a,b,y\n1,\"two\nlines\",2\n3,4,oops\n", features: ["a"]);
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void BadNumberNamesLineAndColumn()
    {
        var e = Fails("a,b,y\n1,2,3\n4,5,6\n7,1;5,9\n");
        Assert.Equal(4, e.Line);
        Assert.Equal("b", e.Column);
        Assert.Contains("mem.csv: line 4, column 'b'", e.Message);
        Assert.Contains("'1;5'", e.Message);
        // A comma decimal (a different culture) splits the field and is caught as a field-count error.
        Assert.Contains("3 fields", Fails("a,y\n1,5\n2,5,0\n").Message);
    }

    [Fact]
    public void OtherErrors()
    {
        Assert.Contains("empty value", Fails("a,y\n,1\n").Message);
        Assert.Contains("not a finite", Fails("a,y\n1e60,1\n").Message);
        Assert.Contains("no such column", Fails("a,b\n1,2\n").Message);
        Assert.Contains("'a', 'b'", Fails("a,b\n1,2\n").Message);
        Assert.Contains("duplicate column", Fails("a,a,y\n1,2,3\n").Message);
        Assert.Contains("empty", Fails("").Message);
        Assert.Contains("unterminated", Fails("a,y\n\"1,2\n").Message);
        Assert.Contains("after a closing quote", Fails("a,y\n\"1\"x,2\n").Message);
        Assert.Contains("also a feature", Fails("a,y\n1,2\n", features: ["a", "y"]).Message);
        Assert.Contains("empty class label", Fails("a,y\n1,\n", task: CsvTask.Classification).Message);
    }

    [Fact]
    public void LoadsAFileAndFeedsALoader()
    {
        using var dir = new TempDir();
        string path = dir.File("t.csv");
        File.WriteAllText(path, "\uFEFFf1,f2,label\n" + string.Join("\n", Enumerable.Range(0, 10).Select(i => $"{i},{i * 0.5},{(i % 2 == 0 ? "even" : "odd")}")));
        var ds = CsvDataset.Load(path, "label", CsvTask.Classification);
        Assert.Equal(["f1", "f2"], ds.FeatureNames);
        Assert.Equal(path, ds.Path);
        var batches = new DataLoader(ds, batchSize: 4).ToList();
        Assert.Equal([4, 2], batches[0].Input.ShapeArray());
        Assert.Equal(new long[] { 0, 1, 0, 1 }, batches[0].Target.ToArray<long>());
        var e = Assert.Throws<CsvFormatException>(() => CsvDataset.Load(path, "nope", CsvTask.Regression));
        Assert.StartsWith(path, e.Message);
    }
}
