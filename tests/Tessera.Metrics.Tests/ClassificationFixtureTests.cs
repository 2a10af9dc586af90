using System.Text.Json;
using static Tessera.Metrics.Tests.MetricsFixture;

namespace Tessera.Metrics.Tests;

/// <summary>Accuracy, precision/recall/F1, confusion matrix and top-k accuracy against scikit-learn.</summary>
public class ClassificationFixtureTests
{
    private const double Tol = 1e-12;

    public static TheoryData<string> ClassificationCases => CaseNames("classification");

    public static TheoryData<string> TopKCases => CaseNames("topk");

    [Theory]
    [MemberData(nameof(ClassificationCases))]
    public void PrecisionRecallF1EqualSklearn(string name)
    {
        var c = Case("classification", name);
        int classes = c.GetProperty("classes").GetInt32();
        var y = Longs(c.GetProperty("y_true"));
        var yp = Longs(c.GetProperty("y_pred"));
        foreach (var (key, make) in new (string, Func<Average, IScalarMetric>)[]
        {
            ("precision", a => new Precision(classes, a)),
            ("recall", a => new Recall(classes, a)),
            ("f1", a => new F1Score(classes, a)),
        })
        {
            var expected = c.GetProperty(key);
            foreach (var (avg, average) in new[] { ("macro", Average.Macro), ("micro", Average.Micro), ("weighted", Average.Weighted) })
            {
                var metric = make(average);
                Feed(metric, yp, y);
                Assert.Equal(Double(expected.GetProperty(avg)), metric.Compute(), Tol);
                Assert.Equal($"{key}_{avg}", metric.Name);
            }
            var none = make(Average.None);
            Feed(none, yp, y);
            var perClass = none switch
            {
                Precision p => p.ComputePerClass(),
                Recall r => r.ComputePerClass(),
                F1Score f => f.ComputePerClass(),
                _ => throw new InvalidOperationException(),
            };
            var want = Doubles(expected.GetProperty("none"));
            Assert.Equal(want.Length, perClass.Length);
            for (int k = 0; k < classes; k++) Assert.Equal(want[k], perClass[k], Tol);
            Assert.Throws<InvalidOperationException>(() => none.Compute());
        }
    }

    [Theory]
    [MemberData(nameof(ClassificationCases))]
    public void ConfusionMatrixAndAccuracyEqualSklearn(string name)
    {
        var c = Case("classification", name);
        int classes = c.GetProperty("classes").GetInt32();
        var y = Longs(c.GetProperty("y_true"));
        var yp = Longs(c.GetProperty("y_pred"));
        var cm = new ConfusionMatrix(classes);
        var acc = new Accuracy();
        foreach (var (start, len) in Batches(y.Length))
        {
            cm.Update(Tensor.FromArray(yp[start..(start + len)]), Tensor.FromArray(y[start..(start + len)]));
            acc.Update(yp.AsSpan(start, len), y.AsSpan(start, len));
        }
        Assert.Equal(Double(c.GetProperty("accuracy")), acc.Compute(), Tol);
        var counts = cm.Compute();
        var rows = c.GetProperty("confusion").EnumerateArray().Select(Longs).ToArray();
        for (int i = 0; i < classes; i++)
            for (int j = 0; j < classes; j++) Assert.Equal(rows[i][j], counts[i, j]);
        foreach (var (key, norm) in new[] { ("confusion_true", ConfusionNormalization.True), ("confusion_pred", ConfusionNormalization.Pred), ("confusion_all", ConfusionNormalization.All) })
        {
            var (want, _) = Matrix(c.GetProperty(key));
            var got = cm.ComputeNormalized(norm);
            for (int i = 0; i < classes; i++)
                for (int j = 0; j < classes; j++) Assert.Equal(want[i * classes + j], got[i, j], 1e-15);
        }
    }

    [Theory]
    [MemberData(nameof(TopKCases))]
    public void TopKAccuracyEqualsSklearn(string name)
    {
        var c = Case("topk", name);
        int classes = c.GetProperty("classes").GetInt32();
        var y = Longs(c.GetProperty("y_true"));
        var (s, _) = Matrix(c.GetProperty("y_score"));
        foreach (var kv in c.GetProperty("k").EnumerateObject())
        {
            int k = int.Parse(kv.Name, System.Globalization.CultureInfo.InvariantCulture);
            var metric = new Accuracy(k);
            foreach (var (start, len) in Batches(y.Length))
                metric.Update(Tensor.FromArray(s[(start * classes)..((start + len) * classes)], [len, classes]), Tensor.FromArray(y[start..(start + len)]));
            Assert.Equal(Double(kv.Value), metric.Compute(), Tol);
        }
    }

    private static void Feed(IScalarMetric metric, long[] yp, long[] y)
    {
        foreach (var (start, len) in Batches(y.Length))
            metric.Update(Tensor.FromArray(yp[start..(start + len)]), Tensor.FromArray(y[start..(start + len)]));
    }
}
