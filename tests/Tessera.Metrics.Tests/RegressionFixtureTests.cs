using System.Text.Json;
using static Tessera.Metrics.Tests.MetricsFixture;

namespace Tessera.Metrics.Tests;

/// <summary>MSE, MAE, R² and perplexity against scikit-learn / numpy.</summary>
public class RegressionFixtureTests
{
    private const double Tol = 1e-12;

    public static TheoryData<string> RegressionCases => CaseNames("regression");

    public static TheoryData<string> PerplexityCases => CaseNames("perplexity");

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public void MseMaeR2EqualSklearn(string name)
    {
        var c = Case("regression", name);
        var (y, yp, outputs) = Read(c);
        int rows = y.Length / outputs;
        var mse = new MeanSquaredError();
        var mae = new MeanAbsoluteError();
        var r2 = new R2Score();
        foreach (var (start, len) in Batches(rows))
        {
            int[] shape = outputs == 1 && c.GetProperty("y_true")[0].ValueKind == JsonValueKind.Number ? [len] : [len, outputs];
            var p = Tensor.FromArray(yp[(start * outputs)..((start + len) * outputs)], shape);
            var t = Tensor.FromArray(y[(start * outputs)..((start + len) * outputs)], shape);
            mse.Update(p, t);
            mae.Update(p, t);
            r2.Update(p, t);
        }
        Assert.Equal(Double(c.GetProperty("mse")), mse.Compute(), Tol);
        Assert.Equal(Double(c.GetProperty("mae")), mae.Compute(), Tol);
        Assert.Equal(Double(c.GetProperty("r2")), r2.Compute(), Tol);
        var raw = Doubles(c.GetProperty("r2_raw"));
        var perOutput = r2.ComputePerOutput();
        Assert.Equal(raw.Length, perOutput.Length);
        for (int j = 0; j < raw.Length; j++) Assert.Equal(raw[j], perOutput[j], Tol);
    }

    [Theory]
    [MemberData(nameof(PerplexityCases))]
    public void PerplexityEqualsExpOfMeanNll(string name)
    {
        var c = Case("perplexity", name);
        int classes = c.GetProperty("classes").GetInt32();
        var y = Longs(c.GetProperty("y_true"));
        var (logits, _) = Matrix(c.GetProperty("logits"));
        var metric = new Perplexity();
        foreach (var (start, len) in Batches(y.Length))
            metric.Update(Tensor.FromArray(logits[(start * classes)..((start + len) * classes)], [len, classes]), Tensor.FromArray(y[start..(start + len)]));
        Assert.Equal(Double(c.GetProperty("mean_nll")), metric.MeanNll, Tol);
        Assert.Equal(Double(c.GetProperty("log_loss")), metric.MeanNll, 1e-9);
        double expected = Double(c.GetProperty("perplexity"));
        Assert.Equal(expected, metric.Compute(), expected * Tol);
    }

    private static (double[] Y, double[] Yp, int Outputs) Read(JsonElement c)
    {
        var yt = c.GetProperty("y_true");
        if (yt[0].ValueKind == JsonValueKind.Number) return (Doubles(yt), Doubles(c.GetProperty("y_pred")), 1);
        var (y, cols) = Matrix(yt);
        var (yp, _) = Matrix(c.GetProperty("y_pred"));
        return (y, yp, cols);
    }
}
