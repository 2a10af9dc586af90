using System.Text.Json;
using Tessera.Data.Splits;
using Tessera.Testing.Fixtures;

namespace Tessera.Data.Tests.Splits;

/// <summary>KFold and StratifiedKFold against scikit-learn (tests/fixtures/metrics/splits.json) and the properties of shuffled splits.</summary>
public class SplitterTests
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.FixturesDirectory, "metrics", "splits.json")));
        return doc.RootElement.Clone();
    });

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    private static void AssertFoldsEqual(JsonElement expected, IReadOnlyList<Fold> actual, string what)
    {
        var folds = expected.EnumerateArray().ToArray();
        Assert.Equal(folds.Length, actual.Count);
        for (int k = 0; k < folds.Length; k++)
        {
            Assert.Equal(k, actual[k].Index);
            Assert.True(Ints(folds[k].GetProperty("train")).SequenceEqual(actual[k].Train), $"{what}: fold {k} train differs");
            Assert.True(Ints(folds[k].GetProperty("test")).SequenceEqual(actual[k].Validation), $"{what}: fold {k} validation differs");
        }
    }

    [Fact]
    public void KFoldWithoutShuffleEqualsSklearn()
    {
        var cases = Fixture.Value.GetProperty("kfold").EnumerateArray().ToArray();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            int n = c.GetProperty("n").GetInt32(), k = c.GetProperty("n_splits").GetInt32();
            AssertFoldsEqual(c.GetProperty("folds"), new KFold(k).Split(n), $"KFold({k}) of {n}");
        }
    }

    [Fact]
    public void StratifiedKFoldWithoutShuffleEqualsSklearn()
    {
        var cases = Fixture.Value.GetProperty("stratified").EnumerateArray().ToArray();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var y = c.GetProperty("y").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            int k = c.GetProperty("n_splits").GetInt32();
            AssertFoldsEqual(c.GetProperty("folds"), new StratifiedKFold(k).Split(y), $"StratifiedKFold({k}) of [{string.Join(",", y)}]");
        }
    }

    private static void AssertPartition(IReadOnlyList<Fold> folds, int n)
    {
        var seen = new int[n];
        foreach (var f in folds)
        {
            foreach (int i in f.Validation) seen[i]++;
            Assert.Equal(n, f.Train.Length + f.Validation.Length);
            Assert.Empty(f.Train.Intersect(f.Validation));
            Assert.True(f.Train.Concat(f.Validation).Order().SequenceEqual(Enumerable.Range(0, n)), $"fold {f.Index} does not cover 0..{n - 1}");
            Assert.True(f.Train.SequenceEqual(f.Train.Order()) && f.Validation.SequenceEqual(f.Validation.Order()), "indices must be increasing");
        }
        Assert.All(seen, s => Assert.Equal(1, s));   // every example validates in exactly one fold
        Assert.True(folds.Max(f => f.Validation.Length) - folds.Min(f => f.Validation.Length) <= 1, "fold sizes differ by more than 1");
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(101, 5)]
    [InlineData(7, 7)]
    public void ShuffledKFoldIsAPartitionDeterministicPerSeed(int n, int k)
    {
        var a = new KFold(k, shuffle: true, seed: 42).Split(n);
        AssertPartition(a, n);
        var b = new KFold(k, shuffle: true, seed: 42).Split(n);
        Assert.True(a.Zip(b).All(p => p.First.Validation.SequenceEqual(p.Second.Validation)), "same seed, different folds");
        if (n > k)
        {
            var c = new KFold(k, shuffle: true, seed: 43).Split(n);
            Assert.False(a.Zip(c).All(p => p.First.Validation.SequenceEqual(p.Second.Validation)), "different seeds gave the same folds");
            var plain = new KFold(k).Split(n);
            Assert.False(a.Zip(plain).All(p => p.First.Validation.SequenceEqual(p.Second.Validation)), "shuffled folds equal the unshuffled ones");
        }
    }

    [Theory]
    [InlineData(5, 1UL)]
    [InlineData(3, 2UL)]
    [InlineData(10, 3UL)]
    public void ShuffledStratifiedKFoldKeepsClassProportions(int k, ulong seed)
    {
        var g = new Generator(seed + 100);
        // Imbalanced labels with arbitrary values: 60% class 7, 30% class -2, 10% class 40.
        var y = Enumerable.Range(0, 203).Select(_ => g.NextDouble() switch { < 0.6 => 7L, < 0.9 => -2L, _ => 40L }).ToArray();
        var folds = new StratifiedKFold(k, shuffle: true, seed: seed).Split(y);
        AssertPartition(folds, y.Length);
        foreach (var cls in y.Distinct())
        {
            double exact = y.Count(v => v == cls) / (double)k;
            foreach (var f in folds)
            {
                int count = f.Validation.Count(i => y[i] == cls);
                Assert.True(Math.Abs(count - exact) < 1, $"fold {f.Index} has {count} of class {cls}, exact share {exact}");
            }
        }
        var again = new StratifiedKFold(k, shuffle: true, seed: seed).Split(y);
        Assert.True(folds.Zip(again).All(p => p.First.Validation.SequenceEqual(p.Second.Validation)), "same seed, different folds");
        var other = new StratifiedKFold(k, shuffle: true, seed: seed + 1).Split(y);
        Assert.False(folds.Zip(other).All(p => p.First.Validation.SequenceEqual(p.Second.Validation)), "different seeds gave the same folds");
    }

    [Fact]
    public void TrainValidationSplitSizesAndDeterminism()
    {
        var a = TrainValidationSplit.Split(100, 0.15, seed: 5);
        Assert.Equal(15, a.Validation.Length);   // ceil(0.15 * 100), as train_test_split
        Assert.Equal(85, a.Train.Length);
        Assert.Equal(Enumerable.Range(0, 100), a.Train.Concat(a.Validation).Order());
        Assert.Equal(a.Validation, TrainValidationSplit.Split(100, 0.15, seed: 5).Validation);
        Assert.NotEqual(a.Validation, TrainValidationSplit.Split(100, 0.15, seed: 6).Validation);
        Assert.Equal(4, TrainValidationSplit.Split(10, 0.31, seed: 0).Validation.Length);   // ceil(3.1)
        Assert.Equal([7, 8, 9], TrainValidationSplit.Split(10, 0.3, shuffle: false).Validation);
    }

    [Fact]
    public void StratifiedTrainValidationSplitKeepsClassShares()
    {
        var g = new Generator(9);
        var y = Enumerable.Range(0, 157).Select(_ => g.NextDouble() switch { < 0.5 => 1L, < 0.8 => 0L, < 0.95 => 2L, _ => 3L }).ToArray();
        var split = TrainValidationSplit.Split(y, 0.2, seed: 1);
        Assert.Equal(32, split.Validation.Length);   // ceil(0.2 * 157)
        Assert.Equal(Enumerable.Range(0, 157), split.Train.Concat(split.Validation).Order());
        foreach (var cls in y.Distinct())
        {
            double exact = 32.0 * y.Count(v => v == cls) / y.Length;
            int count = split.Validation.Count(i => y[i] == cls);
            Assert.True(Math.Abs(count - exact) < 1, $"class {cls}: {count} held out, exact share {exact}");
        }
        Assert.Equal(split.Validation, TrainValidationSplit.Split(y, 0.2, seed: 1).Validation);
        Assert.NotEqual(split.Validation, TrainValidationSplit.Split(y, 0.2, seed: 2).Validation);
    }

    [Fact]
    public void BadArgumentsAreRejectedWithTheValue()
    {
        Assert.Contains("1", Assert.Throws<ArgumentOutOfRangeException>(() => new KFold(1)).Message);
        Assert.Contains("5 folds of 4", Assert.Throws<ArgumentException>(() => new KFold(5).Split(4)).Message);
        var e = Assert.Throws<ArgumentException>(() => new StratifiedKFold(3).Split([0L, 0L, 1L, 1L]));
        Assert.Contains("fewer than 3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainValidationSplit.Split(10, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainValidationSplit.Split(10, double.NaN));
        Assert.Contains("leaves 1 for validation and 0", Assert.Throws<ArgumentException>(() => TrainValidationSplit.Split(1, 0.5)).Message);
    }

    [Fact]
    public void SubsetSelectsAndBatchesTheGivenExamples()
    {
        var inputs = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), [6, 2]);
        var targets = Tensor.FromArray(new long[] { 0, 1, 2, 3, 4, 5 });
        var ds = new TensorDataset(inputs, targets);
        var fold = new KFold(3).Split(ds.Count)[1];   // validation {2, 3}
        var sub = new Subset<Sample>(ds, fold.Train);
        Assert.Equal(4, sub.Count);
        Assert.Equal(4L, sub[2].Target.Item<long>());
        var batch = sub.GetBatch([0, 3]);
        Assert.Equal([0L, 5L], batch.Target.ToArray<long>());
        Assert.Equal([0f, 1f, 10f, 11f], batch.Input.ToArray<float>());
        var loaderTargets = new DataLoader(sub, batchSize: 3, prefetch: 0).SelectMany(b => b.Target.ToArray<long>()).ToArray();
        Assert.Equal([0L, 1L, 4L, 5L], loaderTargets);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Subset<Sample>(ds, [6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => sub.Get(4));
    }

    [Fact]
    public void SubsetOfAPlainDatasetStacksItsExamples()
    {
        var sub = new Subset<Sample>(new SquaresDataset(), [4, 1]);
        var batch = sub.GetBatch([1, 0]);
        Assert.Equal([1f, 16f], batch.Input.ToArray<float>());
        Assert.Equal([1L, 4L], batch.Target.ToArray<long>());
    }

    /// <summary>Example i is (i², i); not an <see cref="IBatchSource"/>.</summary>
    private sealed class SquaresDataset : Dataset<Sample>
    {
        public override int Count => 5;

        public override Sample Get(int index)
        {
            CheckIndex(index);
            return new Sample(Tensor.Scalar(index * index), Tensor.Scalar(index, DType.Int64));
        }
    }
}
