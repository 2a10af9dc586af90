namespace Tessera.Metrics.Tests;

/// <summary>Streaming behaviour, validation and the conventions the fixtures do not cover.</summary>
public class MetricBehaviorTests
{
    private static (double[] Scores, long[] Labels) RandomMulticlass(int n, int classes, ulong seed)
    {
        var g = new Generator(seed);
        var s = new double[n * classes];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = g.NextInt64(0, classes);
            for (int j = 0; j < classes; j++) s[i * classes + j] = Math.Round(g.NextDouble() * 4) / 4 + (j == y[i] ? 0.25 : 0);
        }
        return (s, y);
    }

    [Fact]
    public void ResultsAreBitIdenticalWhateverTheBatching()
    {
        const int n = 97, classes = 5;
        var (s, y) = RandomMulticlass(n, classes, 7);
        var targetsAsScores = y.Select(v => (double)v).ToArray();
        var predsAsScores = Enumerable.Range(0, n).Select(i => s[i * classes]).ToArray();

        double[] Run(int batch)
        {
            var metrics = new IScalarMetric[]
            {
                new Accuracy(), new Accuracy(2), new F1Score(classes), new Precision(classes, Average.Weighted),
                new MulticlassAuroc(classes), new MulticlassAveragePrecision(classes), new Perplexity(),
            };
            var mse = new MeanSquaredError();
            var r2 = new R2Score();
            for (int start = 0; start < n; start += batch)
            {
                int len = Math.Min(batch, n - start);
                var preds = Tensor.FromArray(s[(start * classes)..((start + len) * classes)], [len, classes]);
                var target = Tensor.FromArray(y[start..(start + len)]);
                foreach (var m in metrics) m.Update(preds, target);
                mse.Update(predsAsScores.AsSpan(start, len), targetsAsScores.AsSpan(start, len));
                r2.Update(predsAsScores.AsSpan(start, len), targetsAsScores.AsSpan(start, len));
            }
            return [.. metrics.Select(m => m.Compute()), mse.Compute(), r2.Compute()];
        }

        var whole = Run(n);
        foreach (int batch in new[] { 1, 3, 10, 50 })
        {
            var split = Run(batch);
            for (int i = 0; i < whole.Length; i++)
                Assert.True(BitConverter.DoubleToInt64Bits(whole[i]) == BitConverter.DoubleToInt64Bits(split[i]), $"metric {i}: {whole[i]:R} in one batch, {split[i]:R} in batches of {batch}");
        }
    }

    [Fact]
    public void ResetForgetsEverything()
    {
        var acc = new Accuracy();
        acc.Update([1L, 1L], [1L, 0L]);
        acc.Reset();
        Assert.Throws<InvalidOperationException>(() => acc.Compute());
        acc.Update([1L, 1L], [1L, 1L]);
        Assert.Equal(1.0, acc.Compute());

        var auc = new BinaryAuroc();
        auc.Update([0.9, 0.1], [0L, 1L]);
        auc.Reset();
        auc.Update([0.9, 0.1], [1L, 0L]);
        Assert.Equal(1.0, auc.Compute());
    }

    [Fact]
    public void ComputeBeforeUpdateThrowsNamingTheMetric()
    {
        IScalarMetric[] metrics = [new Accuracy(), new F1Score(3), new BinaryAuroc(), new BinaryAveragePrecision(), new MulticlassAuroc(3),
            new MulticlassAveragePrecision(3), new MeanSquaredError(), new MeanAbsoluteError(), new R2Score(), new Perplexity()];
        foreach (var m in metrics)
        {
            var e = Assert.Throws<InvalidOperationException>(() => m.Compute());
            Assert.Contains(m.GetType().Name, e.Message);
        }
    }

    [Fact]
    public void TopKBreaksTiesTowardTheLowerClassIndex()
    {
        // Row scores (0.5, 0.5, 0.5, 0.1): class 0 ranks first, class 1 second, class 2 third.
        var scores = Tensor.FromArray(new[] { 0.5, 0.5, 0.5, 0.1, 0.5, 0.5, 0.5, 0.1, 0.5, 0.5, 0.5, 0.1 }, [3, 4]);
        var target = Tensor.FromArray(new long[] { 0, 1, 2 });
        var top1 = new Accuracy();
        var top2 = new Accuracy(2);
        top1.Update(scores, target);
        top2.Update(scores, target);
        Assert.Equal(1.0 / 3, top1.Compute(), 1e-15);
        Assert.Equal(2.0 / 3, top2.Compute(), 1e-15);
    }

    [Fact]
    public void AcceptsFloat32AndRequiresGradInputs()
    {
        var logits = Tensor.FromArray(new float[] { 2f, 1f, 0f, 0f, 3f, 1f }, [2, 3], requiresGrad: true);
        var target = Tensor.FromArray(new long[] { 0, 2 });
        var acc = new Accuracy();
        acc.Update(logits, target);
        Assert.Equal(0.5, acc.Compute());
        var auc = new MulticlassAuroc(3);
        auc.Update(logits.Softmax(1), target);
        Assert.Equal(3, auc.ComputePerClass().Length);
    }

    [Fact]
    public void BadInputsNameTheShapeOrValue()
    {
        var acc = new Accuracy();
        var e = Assert.Throws<ArgumentException>(() => acc.Update(Tensor.Zeros([2, 3, 4]), Tensor.FromArray(new long[] { 0, 1 })));
        Assert.Contains("(2, 3, 4)", e.Message);
        e = Assert.Throws<ArgumentException>(() => acc.Update(Tensor.Zeros([2, 3]), Tensor.FromArray(new long[] { 0, 1, 2 })));
        Assert.Contains("2 predictions but 3 targets", e.Message);
        e = Assert.Throws<ArgumentException>(() => acc.Update(Tensor.Zeros([2, 3]), Tensor.FromArray(new long[] { 0, 3 })));
        Assert.Contains("element 1 is 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => acc.Update(Tensor.Zeros([2, 3]), Tensor.Zeros([2])));
        Assert.Contains("float32", e.Message);
        e = Assert.Throws<ArgumentException>(() => acc.Update(Tensor.FromArray(new[] { 0.0, double.NaN, 0, 0 }, [2, 2]), Tensor.FromArray(new long[] { 0, 1 })));
        Assert.Contains("NaN", e.Message);

        var f1 = new F1Score(3);
        e = Assert.Throws<ArgumentException>(() => f1.Update(Tensor.Zeros([2, 4]), Tensor.FromArray(new long[] { 0, 1 })));
        Assert.Contains("4 columns", e.Message);
        e = Assert.Throws<ArgumentException>(() => f1.Update(Tensor.FromArray(new long[] { 0, -1 }), Tensor.FromArray(new long[] { 0, 1 })));
        Assert.Contains("-1", e.Message);

        var auc = new BinaryAuroc();
        e = Assert.Throws<ArgumentException>(() => auc.Update(Tensor.FromArray(new[] { 0.2, 0.3 }), Tensor.FromArray(new long[] { 0, 2 })));
        Assert.Contains("must be 0 or 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => auc.Update(Tensor.Zeros([2, 2]), Tensor.FromArray(new long[] { 0, 1 })));
        Assert.Contains("(2, 2)", e.Message);

        var mc = new MulticlassAuroc(4);
        e = Assert.Throws<ArgumentException>(() => mc.Update(Tensor.Zeros([5, 3]), Tensor.Zeros([5], DType.Int64)));
        Assert.Contains("(N, 4)", e.Message);

        var mse = new MeanSquaredError();
        e = Assert.Throws<ArgumentException>(() => mse.Update(Tensor.Zeros([3]), Tensor.Zeros([3, 1])));
        Assert.Contains("(3, 1)", e.Message);

        var r2 = new R2Score();
        r2.Update(Tensor.Zeros([4, 2]), Tensor.Ones([4, 2]));
        e = Assert.Throws<ArgumentException>(() => r2.Update(Tensor.Zeros([4, 3]), Tensor.Ones([4, 3])));
        Assert.Contains("3 outputs", e.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => new Accuracy(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new F1Score(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MulticlassAuroc(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Precision(3, (Average)42));
    }

    [Fact]
    public void OneClassAucIsNaNAndAbsentClassesLeaveTheAverage()
    {
        var auc = new BinaryAuroc();
        auc.Update([0.1, 0.7], [1L, 1L]);
        Assert.True(double.IsNaN(auc.Compute()));

        // Class 2 never occurs: its AUC is undefined, the macro average is over classes 0 and 1.
        var mc = new MulticlassAuroc(3);
        mc.Update([0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.6, 0.3, 0.1, 0.2, 0.7, 0.1], [0L, 1L, 0L, 1L]);
        var perClass = mc.ComputePerClass();
        Assert.Equal(1.0, perClass[0]);
        Assert.Equal(1.0, perClass[1]);
        Assert.True(double.IsNaN(perClass[2]));
        Assert.Equal(1.0, mc.Compute());
    }

    [Fact]
    public void PerplexityHandlesSequencesIgnoreIndexAndMeanLosses()
    {
        // Uniform logits over 4 classes: every token has NLL log 4, perplexity 4.
        var logits = Tensor.Zeros([2, 3, 4]);
        var target = Tensor.FromArray(new long[] { 0, 1, -100, 3, -100, 2 }, [2, 3]);
        var ppl = new Perplexity(ignoreIndex: -100);
        ppl.Update(logits, target);
        Assert.Equal(4, ppl.Count);
        Assert.Equal(4.0, ppl.Compute(), 1e-12);

        var fromLoss = new Perplexity();
        fromLoss.UpdateFromNll(Math.Log(2), 10);
        fromLoss.UpdateFromNll(Math.Log(8), 10);
        Assert.Equal(4.0, fromLoss.Compute(), 1e-12);   // exp((10 log 2 + 10 log 8) / 20)
        Assert.Equal(Math.E, Perplexity.FromMeanNll(1), 1e-15);

        var noIgnore = new Perplexity();
        var e = Assert.Throws<ArgumentException>(() => noIgnore.Update(logits, target));
        Assert.Contains("-100", e.Message);
        e = Assert.Throws<ArgumentException>(() => noIgnore.Update(logits, Tensor.Zeros([2, 4], DType.Int64)));
        Assert.Contains("(2, 3, 4)", e.Message);
    }

    [Fact]
    public void CollectionComputesEveryMetricByName()
    {
        var metrics = new MetricCollection(new Accuracy(), new F1Score(3, Average.Macro)).Add(new MulticlassAuroc(3));
        var scores = Tensor.FromArray(new[] { 0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6, 0.5, 0.4, 0.1 }, [4, 3]);
        metrics.Update(scores, Tensor.FromArray(new long[] { 0, 1, 2, 1 }));
        var values = metrics.Compute();
        Assert.Equal(["accuracy", "f1_macro", "roc_auc_macro"], values.Select(v => v.Key).ToArray());
        Assert.Equal(0.75, values[0].Value);
        Assert.Throws<ArgumentException>(() => metrics.Add(new Accuracy()));
        metrics.Reset();
        Assert.Throws<InvalidOperationException>(() => metrics.Compute());
    }

    [Fact]
    public void CurvesWriteInvariantCsv()
    {
        var auc = new BinaryAuroc();
        auc.Update([0.1, 0.4, 0.35, 0.8], [0L, 0L, 1L, 1L]);
        Assert.Equal("fpr,tpr,threshold\n0,0,1.8\n0,0.5,0.8\n0.5,0.5,0.4\n0.5,1,0.35\n1,1,0.1\n", auc.ComputeCurve().ToCsv());
        var ap = new BinaryAveragePrecision();
        ap.Update([0.1, 0.4, 0.35, 0.8], [0L, 0L, 1L, 1L]);
        var lines = ap.ComputeCurve().ToCsv().Split('\n');
        Assert.Equal("precision,recall,threshold", lines[0]);
        Assert.Equal("0.5,1,0.1", lines[1]);
        Assert.Equal("1,0,", lines[^2]);
    }

    [Fact]
    public void AucAcceptsDecreasingXAndRejectsNonMonotonicX()
    {
        Assert.Equal(0.5, Ranking.Auc([1.0, 0.0], [1.0, 0.0]), 1e-15);
        Assert.Equal(0.5, Ranking.Auc([0.0, 1.0], [0.0, 1.0]), 1e-15);
        Assert.Throws<ArgumentException>(() => Ranking.Auc([0.0, 1.0, 0.5], [0.0, 1.0, 1.0]));
        Assert.Throws<ArgumentException>(() => Ranking.RocCurve([0.1, double.PositiveInfinity], [true, false]));
    }
}
