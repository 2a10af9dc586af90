using System.Text.Json;

namespace Tessera.Cli.Tests.Commands;

/// <summary><c>tessera cv</c> on the shipped subset: fold sizes, per-fold metrics and their mean and standard deviation.</summary>
public class CvCommandTests
{
    [Fact]
    public void StratifiedJsonHasEveryFoldAndItsMeanAndStd()
    {
        var run = CliProcess.Run(["cv", "mlp", "--folds", "3", "--stratified", "--limit", "600", "--epochs", "1", "--json", "--threads", "1",
            "--data", BadInputFiles.FindSubset()]);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]);
        var folds = doc.RootElement.GetProperty("folds").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], folds.Select(f => f.GetProperty("fold").GetInt32()));
        Assert.All(folds, f => Assert.Equal(200, f.GetProperty("val_size").GetInt32()));   // 600 examples, 60 per class: 20 per class per fold
        Assert.All(folds, f => Assert.Equal(400, f.GetProperty("train_size").GetInt32()));
        foreach (string key in new[] { "accuracy", "precision_macro", "recall_macro", "f1_macro", "roc_auc_macro", "loss" })
        {
            double[] v = folds.Select(f => f.GetProperty(key).GetDouble()).ToArray();
            Assert.All(v, x => Assert.True(double.IsFinite(x) && x >= 0, $"{key} = {x}"));
            double mean = v.Average(), std = Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Sum() / v.Length);
            Assert.Equal(mean, doc.RootElement.GetProperty("mean").GetProperty(key).GetDouble(), 12);
            Assert.Equal(std, doc.RootElement.GetProperty("std").GetProperty(key).GetDouble(), 12);
        }
        // One epoch on 400 images already beats chance (0.1) by far.
        Assert.True(doc.RootElement.GetProperty("mean").GetProperty("accuracy").GetDouble() > 0.4, run.Stdout);
    }

    [Theory]
    [InlineData("--folds 1", "--folds must be at least 2, got 1.")]
    [InlineData("--epochs 0", "--epochs must be at least 1, got 0.")]
    public void BadCountsAreUsageErrors(string args, string message)
    {
        var run = CliProcess.Run(["cv", "mlp", .. args.Split(' ')]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }
}
