using static Tessera.Metrics.Tests.MetricsFixture;

namespace Tessera.Metrics.Tests;

/// <summary>The one-stop report equals scikit-learn (fixture) and the individual metrics.</summary>
public class ClassificationReportTests
{
    private const double Tol = 1e-12;

    [Theory]
    [InlineData("random10")]
    [InlineData("ties10")]
    public void ProbabilityReportEqualsSklearnAndTheSingleMetrics(string name)
    {
        var c = Case("multiclass", name);
        int classes = c.GetProperty("classes").GetInt32();
        var y = Longs(c.GetProperty("y_true"));
        var (p, _) = Matrix(c.GetProperty("y_prob"));
        var report = new ClassificationReport(classes, inputsAreLogits: false);
        var f1 = new F1Score(classes);
        var f1w = new F1Score(classes, Average.Weighted);
        var acc = new Accuracy();
        var cm = new ConfusionMatrix(classes);
        foreach (var (start, len) in Batches(y.Length))
        {
            var probs = Tensor.FromArray(p[(start * classes)..((start + len) * classes)], [len, classes]);
            var target = Tensor.FromArray(y[start..(start + len)]);
            report.Update(probs, target);
            f1.Update(probs, target);
            f1w.Update(probs, target);
            acc.Update(probs, target);
            cm.Update(probs, target);
        }
        var s = report.Compute();
        Assert.Equal(y.Length, s.Count);
        Assert.Equal(Double(c.GetProperty("auc_macro")), s.RocAucMacro, Tol);
        Assert.Equal(Double(c.GetProperty("auc_weighted")), s.RocAucWeighted, Tol);
        Assert.Equal(Double(c.GetProperty("ap_macro")), s.AveragePrecisionMacro, Tol);
        var auc = Doubles(c.GetProperty("auc_per_class"));
        for (int k = 0; k < classes; k++) Assert.Equal(auc[k], s.RocAuc[k], Tol);
        Assert.Equal(acc.Compute(), s.Accuracy);
        Assert.Equal(f1.Compute(), s.F1Macro);
        Assert.Equal(f1w.Compute(), s.F1Weighted);
        Assert.Equal(f1.ComputePerClass(), s.F1);
        Assert.Equal(cm.Compute(), s.Confusion);
        Assert.Equal(y.Length, s.Support.Sum());
        Assert.Equal(classes, report.RocCurves().Length);
        Assert.Equal(Doubles(c.GetProperty("roc")[3].GetProperty("tpr")), report.RocCurves()[3].Tpr);
        Assert.Equal(Doubles(c.GetProperty("pr")[3].GetProperty("precision")), report.PrecisionRecallCurves()[3].Precision);
    }

    [Fact]
    public void LogitReportAppliesSoftmax()
    {
        var g = new Generator(3);
        const int n = 40, classes = 4;
        var logits = Enumerable.Range(0, n * classes).Select(_ => g.NextNormal() * 3).ToArray();
        var y = Enumerable.Range(0, n).Select(_ => g.NextInt64(0, classes)).ToArray();
        var probs = new double[logits.Length];
        for (int i = 0; i < n; i++)
        {
            var row = logits.AsSpan(i * classes, classes).ToArray();
            double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
            for (int j = 0; j < classes; j++) probs[i * classes + j] = Math.Exp(row[j] - max) / sum;
        }
        var fromLogits = new ClassificationReport(classes);
        fromLogits.Update(logits, y);
        var fromProbs = new ClassificationReport(classes, inputsAreLogits: false);
        fromProbs.Update(probs, y);
        var a = fromLogits.Compute();
        var b = fromProbs.Compute();
        Assert.Equal(b.RocAucMacro, a.RocAucMacro, Tol);
        Assert.Equal(b.AveragePrecisionMacro, a.AveragePrecisionMacro, Tol);
        Assert.Equal(b.Accuracy, a.Accuracy);
        Assert.Equal(b.Confusion, a.Confusion);

        var two = ClassificationReport.Softmax([0.0, Math.Log(3)], 2);
        Assert.Equal(0.25, two[0], 1e-15);
        Assert.Equal(0.75, two[1], 1e-15);
        var e = Assert.Throws<ArgumentException>(() => fromLogits.Update(Tensor.Zeros([2, 3]), Tensor.Zeros([2], DType.Int64)));
        Assert.Contains("(N, 4)", e.Message);
    }
}
