namespace Tessera.Data.Tests;

public class DataLoaderTests
{
    /// <summary>N examples: input row i is [i, i + 0.5], target i is i.</summary>
    private static TensorDataset Numbered(int n)
    {
        var x = new float[n * 2];
        var y = new long[n];
        for (int i = 0; i < n; i++) { x[2 * i] = i; x[2 * i + 1] = i + 0.5f; y[i] = i; }
        return new TensorDataset(Tensor.FromArray(x, [n, 2]), Tensor.FromArray(y));
    }

    private static long[][] Ids(IEnumerable<Batch> batches) => batches.Select(b => b.Target.ToArray<long>()).ToArray();

    /// <summary>A dataset whose Get throws for one index and counts calls.</summary>
    private sealed class Faulty(int count, int bad) : Dataset<Sample>
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);
        public override int Count => count;
        public override Sample Get(int index)
        {
            CheckIndex(index);
            Interlocked.Increment(ref _calls);
            if (index == bad) throw new InvalidOperationException($"example {index} is broken");
            return new Sample(Tensor.FromArray(new float[] { index }), Tensor.Scalar(index, DType.Int64));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void BatchesInOrderWithASmallerLastBatch(int prefetch)
    {
        var loader = new DataLoader(Numbered(10), batchSize: 4, prefetch: prefetch);
        var batches = loader.ToList();
        Assert.Equal([4, 4, 2], batches.Select(b => b.Size));
        Assert.Equal([4, 2], batches[0].Input.ShapeArray());
        Assert.Equal(new[] { 8f, 8.5f, 9f, 9.5f }, batches[2].Input.ToArray<float>());
        Assert.Equal(new long[] { 0, 1, 2, 3 }, batches[0].Target.ToArray<long>());
        Assert.Equal(3, loader.BatchesPerEpoch);
        Assert.Equal(1, loader.Epoch);
        Assert.Equal(0, loader.Position);
    }

    [Fact]
    public void DropLastSkipsTheIncompleteBatch()
    {
        var loader = new DataLoader(Numbered(10), batchSize: 4, dropLast: true);
        Assert.Equal([4, 4], loader.Select(b => b.Size));
        Assert.Equal(2, loader.BatchesPerEpoch);
        Assert.Empty(new DataLoader(Numbered(3), batchSize: 4, dropLast: true));
    }

    [Fact]
    public void ShuffleIsAPermutationReproducibleFromSeedAndEpoch()
    {
        var a = new DataLoader(Numbered(50), batchSize: 8, shuffle: true, seed: 42);
        var b = new DataLoader(Numbered(50), batchSize: 8, shuffle: true, seed: 42);
        var a0 = Ids(a).SelectMany(x => x).ToArray();
        var a1 = Ids(a).SelectMany(x => x).ToArray();
        Assert.Equal(a0, Ids(b).SelectMany(x => x));
        Assert.Equal(a1, Ids(b).SelectMany(x => x));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), a0.Order());
        Assert.NotEqual(a0, a1);
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (long)i), a0);
        Assert.Equal(a.EpochOrder(1).Select(i => (long)i), a1);
        var c = new DataLoader(Numbered(50), batchSize: 8, shuffle: true, seed: 43);
        Assert.NotEqual(a0, Ids(c).SelectMany(x => x));
    }

    [Fact]
    public void GatherPathEqualsPerSampleStacking()
    {
        var ds = Numbered(23);
        var fast = new DataLoader(ds, batchSize: 5, shuffle: true, seed: 7).ToList();
        var slow = new DataLoader(ds, batchSize: 5, shuffle: true, seed: 7, collate: Collate.Stack).ToList();
        Assert.Equal(fast.Count, slow.Count);
        for (int i = 0; i < fast.Count; i++)
        {
            Assert.Equal(slow[i].Input.ShapeArray(), fast[i].Input.ShapeArray());
            Assert.Equal(slow[i].Input.ToArray<float>(), fast[i].Input.ToArray<float>());
            Assert.Equal(slow[i].Target.ShapeArray(), fast[i].Target.ShapeArray());
            Assert.Equal(slow[i].Target.ToArray<long>(), fast[i].Target.ToArray<long>());
        }
    }

    [Fact]
    public void GenericDatasetsAreStackedPerSample()
    {
        var batches = new DataLoader(new Faulty(7, bad: -1), batchSize: 3).ToList();
        Assert.Equal([3, 1], batches[0].Input.ShapeArray());
        Assert.Equal([3], batches[0].Target.ShapeArray());
        Assert.Equal(new long[] { 6 }, batches[2].Target.ToArray<long>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void WorkerExceptionsReachTheConsumerAfterTheGoodBatches(int prefetch)
    {
        var loader = new DataLoader(new Faulty(20, bad: 9), batchSize: 4, prefetch: prefetch);
        int seen = 0;
        var e = Assert.Throws<InvalidOperationException>(() => { foreach (var _ in loader) seen++; });
        Assert.Equal("example 9 is broken", e.Message);
        Assert.Equal(2, seen);
        Assert.Equal(2, loader.Position);
        // The failed enumeration was disposed by foreach, so the loader can be enumerated again (and fails the same way).
        Assert.Equal("example 9 is broken", Assert.Throws<InvalidOperationException>(() => loader.ToList()).Message);
    }

    [Fact]
    public void DisposingTheEnumeratorStopsTheWorker()
    {
        var ds = new Faulty(1000, bad: -1);
        var loader = new DataLoader(ds, batchSize: 10, prefetch: 2);
        using (var e = loader.GetEnumerator())
        {
            Assert.True(e.MoveNext());
        }
        int calls = ds.Calls;
        // One consumed, at most two queued and one being built when disposed.
        Assert.InRange(calls, 10, 40);
        Thread.Sleep(50);
        Assert.Equal(calls, ds.Calls);
        Assert.Equal(1, loader.Position);
        Assert.Equal(99, loader.Count());
    }

    [Fact]
    public void OnlyOneEnumerationAtATime()
    {
        var loader = new DataLoader(Numbered(10), batchSize: 2);
        using var first = loader.GetEnumerator();
        var ex = Assert.Throws<InvalidOperationException>(() => loader.GetEnumerator());
        Assert.Contains("already being enumerated", ex.Message);
    }

    [Fact]
    public void ResumeFromSavedStateGivesTheSameBatches()
    {
        var reference = new DataLoader(Numbered(30), batchSize: 4, shuffle: true, seed: 9);
        var expected = Ids(reference).Concat(Ids(reference)).Concat(Ids(reference)).ToArray(); // epochs 0..2

        var a = new DataLoader(Numbered(30), batchSize: 4, shuffle: true, seed: 9);
        var got = new List<long[]>(Ids(a));
        DataLoaderState state;
        using (var e = a.GetEnumerator())
        {
            for (int i = 0; i < 3; i++) { Assert.True(e.MoveNext()); got.Add(e.Current.Target.ToArray<long>()); }
            state = a.GetState();
        }
        Assert.Equal(new DataLoaderState(9, 1, 3), state);

        var b = new DataLoader(Numbered(30), batchSize: 4, shuffle: true, seed: 9);
        b.SetState(state);
        got.AddRange(Ids(b)); // rest of epoch 1
        got.AddRange(Ids(b)); // epoch 2
        Assert.Equal(expected, got);
    }

    [Fact]
    public void StateSavedAfterTheLastBatchResumesAtTheNextEpoch()
    {
        var a = new DataLoader(Numbered(8), batchSize: 4, shuffle: true, seed: 3);
        var b = new DataLoader(Numbered(8), batchSize: 4, shuffle: true, seed: 3);
        b.SetState(new DataLoaderState(3, 0, 2));
        Assert.Equal(a.EpochOrder(1).Select(i => (long)i), Ids(b).SelectMany(x => x));
        Assert.Equal(2, b.Epoch);
    }

    [Fact]
    public void ArgumentsAreValidatedWithTheBadValue()
    {
        var ds = Numbered(4);
        string nl = Environment.NewLine;
        Assert.Equal($"batchSize must be at least 1, got 0. (Parameter 'batchSize'){nl}Actual value was 0.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, 0)).Message);
        Assert.Equal($"prefetch must be 0 (no worker) or more, got -1. (Parameter 'prefetch'){nl}Actual value was -1.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, 2, prefetch: -1)).Message);
        Assert.Throws<ArgumentNullException>(() => new DataLoader(null!, 2));
        var loader = new DataLoader(ds, 2, seed: 5);
        Assert.Equal("The state was saved with shuffle seed 6, this loader has seed 5. (Parameter 'state')",
            Assert.Throws<ArgumentException>(() => loader.SetState(new DataLoaderState(6, 0, 0))).Message);
        Assert.Equal("State position 3 is outside 0..2 (batches per epoch). (Parameter 'state')",
            Assert.Throws<ArgumentException>(() => loader.SetState(new DataLoaderState(5, 0, 3))).Message);
        Assert.Equal("State epoch must be non-negative, got -2. (Parameter 'state')",
            Assert.Throws<ArgumentException>(() => loader.SetState(new DataLoaderState(5, -2, 0))).Message);
    }

    [Fact]
    public void TensorDatasetChecksShapesAndIndices()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros([3, 2]), Tensor.Zeros([4])));
        Assert.Equal("TensorDataset inputs have 3 examples but targets have 4. (Parameter 'targets')", ex.Message);
        var ds = Numbered(3);
        Assert.Equal(2L, ds[2].Target.Item<long>());
        Assert.Equal(new[] { 1f, 1.5f }, ds.Get(1).Input.ToArray<float>());
        Assert.Contains("Index 3", Assert.Throws<ArgumentOutOfRangeException>(() => ds.Get(3)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.GetBatch([0, -1]));
    }
}
