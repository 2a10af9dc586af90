using System.Text.Json;
using static Tessera.Metrics.Tests.MetricsFixture;

namespace Tessera.Metrics.Tests;

/// <summary>Curves and areas against scikit-learn (tests/fixtures/metrics/metrics.json): curves exactly, areas within 1e-12.</summary>
public class RankingFixtureTests
{
    private const double Tol = 1e-12;

    public static TheoryData<string> BinaryCases => CaseNames("binary");

    public static TheoryData<string> MulticlassCases => CaseNames("multiclass");

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void BinaryRocCurveAndAucEqualSklearn(string name)
    {
        var c = Case("binary", name);
        var y = Longs(c.GetProperty("y_true"));
        var s = Doubles(c.GetProperty("y_score"));
        var metric = new BinaryAuroc();
        foreach (var (start, len) in Batches(y.Length))
            metric.Update(Tensor.FromArray(s[start..(start + len)]), Tensor.FromArray(y[start..(start + len)]));

        AssertRoc(c.GetProperty("roc"), metric.ComputeCurve());
        double expected = Double(c.GetProperty("auc"));
        double actual = metric.Compute();
        if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"AUC should be undefined (NaN), got {actual}");
        else Assert.Equal(expected, actual, Tol);
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void BinaryPrecisionRecallCurveAndApEqualSklearn(string name)
    {
        var c = Case("binary", name);
        var y = Longs(c.GetProperty("y_true"));
        var s = Doubles(c.GetProperty("y_score"));
        var metric = new BinaryAveragePrecision();
        foreach (var (start, len) in Batches(y.Length)) metric.Update(s.AsSpan(start, len), y.AsSpan(start, len));

        AssertPr(c.GetProperty("pr"), metric.ComputeCurve());
        Assert.Equal(Double(c.GetProperty("ap")), metric.Compute(), Tol);
    }

    [Theory]
    [MemberData(nameof(MulticlassCases))]
    public void OneVsRestAucEqualsSklearn(string name)
    {
        var c = Case("multiclass", name);
        int classes = c.GetProperty("classes").GetInt32();
        var y = Longs(c.GetProperty("y_true"));
        var (p, cols) = Matrix(c.GetProperty("y_prob"));
        Assert.Equal(classes, cols);
        var macro = new MulticlassAuroc(classes);
        var weighted = new MulticlassAuroc(classes, Average.Weighted);
        var micro = new MulticlassAuroc(classes, Average.Micro);
        foreach (var (start, len) in Batches(y.Length))
        {
            var probs = Tensor.FromArray(p[(start * classes)..((start + len) * classes)], [len, classes]);
            var target = Tensor.FromArray(y[start..(start + len)]);
            macro.Update(probs, target);
            weighted.Update(probs, target);
            micro.Update(probs, target);
        }

        Assert.Equal("roc_auc_macro", macro.Name);
        Assert.Equal(Double(c.GetProperty("auc_macro")), macro.Compute(), Tol);
        Assert.Equal(Double(c.GetProperty("auc_weighted")), weighted.Compute(), Tol);
        Assert.Equal(Double(c.GetProperty("auc_micro")), micro.Compute(), Tol);
        var perClass = macro.ComputePerClass();
        var expected = Doubles(c.GetProperty("auc_per_class"));
        Assert.Equal(expected.Length, perClass.Length);
        for (int k = 0; k < classes; k++) Assert.Equal(expected[k], perClass[k], Tol);
        var curves = macro.ComputeCurves();
        var rocs = c.GetProperty("roc").EnumerateArray().ToArray();
        for (int k = 0; k < classes; k++) AssertRoc(rocs[k], curves[k]);
    }

    [Theory]
    [MemberData(nameof(MulticlassCases))]
    public void OneVsRestAveragePrecisionEqualsSklearn(string name)
    {
        var c = Case("multiclass", name);
        int classes = c.GetProperty("classes").GetInt32();
        var y = Longs(c.GetProperty("y_true"));
        var (p, _) = Matrix(c.GetProperty("y_prob"));
        var macro = new MulticlassAveragePrecision(classes);
        var weighted = new MulticlassAveragePrecision(classes, Average.Weighted);
        foreach (var (start, len) in Batches(y.Length))
        {
            macro.Update(p.AsSpan(start * classes, len * classes), y.AsSpan(start, len));
            weighted.Update(p.AsSpan(start * classes, len * classes), y.AsSpan(start, len));
        }

        Assert.Equal(Double(c.GetProperty("ap_macro")), macro.Compute(), Tol);
        Assert.Equal(Double(c.GetProperty("ap_weighted")), weighted.Compute(), Tol);
        var expected = Doubles(c.GetProperty("ap_per_class"));
        var perClass = macro.ComputePerClass();
        for (int k = 0; k < classes; k++) Assert.Equal(expected[k], perClass[k], Tol);
        var curves = macro.ComputeCurves();
        var prs = c.GetProperty("pr").EnumerateArray().ToArray();
        for (int k = 0; k < classes; k++) AssertPr(prs[k], curves[k]);
    }

    [Fact]
    public void FixtureHasTiesAcrossClasses()
    {
        // Guards the point of the tie cases: a tied score shared by a positive and a negative example.
        var c = Case("binary", "random_ties");
        var y = Longs(c.GetProperty("y_true"));
        var s = Doubles(c.GetProperty("y_score"));
        bool mixedTie = Enumerable.Range(0, s.Length).GroupBy(i => s[i]).Any(g => g.Select(i => y[i]).Distinct().Count() == 2);
        Assert.True(mixedTie);
        Assert.Equal("1.2.1", Root.GetProperty("sklearn").GetString());
    }

    private static void AssertRoc(JsonElement expected, RocCurve actual)
    {
        Assert.Equal(Doubles(expected.GetProperty("fpr")), actual.Fpr);
        Assert.Equal(Doubles(expected.GetProperty("tpr")), actual.Tpr);
        Assert.Equal(Doubles(expected.GetProperty("thresholds")), actual.Thresholds);
    }

    private static void AssertPr(JsonElement expected, PrCurve actual)
    {
        Assert.Equal(Doubles(expected.GetProperty("precision")), actual.Precision);
        Assert.Equal(Doubles(expected.GetProperty("recall")), actual.Recall);
        Assert.Equal(Doubles(expected.GetProperty("thresholds")), actual.Thresholds);
    }
}
