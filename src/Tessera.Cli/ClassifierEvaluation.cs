using System.Globalization;
using Tessera.Cli.Commands;
using Tessera.Cli.Plotting;
using Tessera.Metrics;
using Tessera.Nn;

namespace Tessera.Cli;

/// <summary>Runs a classifier over a labelled split and fills a <see cref="ClassificationReport"/> (for eval and cv).</summary>
internal static class ClassifierEvaluation
{
    /// <summary>The report of <paramref name="model"/> (eval mode, no grad, batches of 1,000) on inputs (N, ...) and targets (N).</summary>
    public static ClassificationReport Run(Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, int classes)
    {
        bool wasTraining = model.Training;
        model.Eval();
        var report = new ClassificationReport(classes, inputsAreLogits: true);
        int n = inputs.Size(0);
        using (GradMode.NoGrad())
            for (int i = 0; i < n; i += 1000)
            {
                using var scope = TensorScope.Begin();
                int m = Math.Min(1000, n - i);
                report.Update(model.Forward(inputs.Narrow(0, i, m)), targets.Narrow(0, i, m).To(DType.Int64));   // (m, classes), (m)
            }
        model.Train(wasTraining);
        return report;
    }

    /// <summary>A finite value, or null (JSON has no NaN): an AUC of a class absent from the split.</summary>
    public static double? Json(double v) => double.IsFinite(v) ? v : null;

    /// <summary>
    /// Writes the one-vs-rest ROC and precision-recall curves of every class into <paramref name="directory"/>:
    /// roc_{i}.csv and pr_{i}.csv (fpr,tpr,threshold / precision,recall,threshold) and roc.png / pr.png with all classes.
    /// </summary>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> SaveCurves(ClassificationReport report, IReadOnlyList<string> classNames, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var summary = report.Compute();
        RocCurve[] roc = report.RocCurves();
        PrCurve[] pr = report.PrecisionRecallCurves();
        var rocLines = new List<LearningCurves.Line>();
        var prLines = new List<LearningCurves.Line>();
        var inv = CultureInfo.InvariantCulture;
        for (int c = 0; c < roc.Length; c++)
        {
            string rocPath = Path.Combine(directory, $"roc_{c}.csv"), prPath = Path.Combine(directory, $"pr_{c}.csv");
            PlotCommand.WriteAtomically(rocPath, System.Text.Encoding.UTF8.GetBytes(roc[c].ToCsv()));
            PlotCommand.WriteAtomically(prPath, System.Text.Encoding.UTF8.GetBytes(pr[c].ToCsv()));
            written.Add(rocPath);
            written.Add(prPath);
            string name = c < classNames.Count ? classNames[c] : c.ToString(inv);
            if (roc[c].Fpr.Length > 0)
                rocLines.Add(new LearningCurves.Line(string.Create(inv, $"{name} ({summary.RocAuc[c]:F3})"), roc[c].Fpr, roc[c].Tpr, false, c));
            if (pr[c].Recall.Length > 0)
                prLines.Add(new LearningCurves.Line(string.Create(inv, $"{name} ({summary.AveragePrecision[c]:F3})"), pr[c].Recall, pr[c].Precision, false, c));
        }
        string rocPng = Path.Combine(directory, "roc.png"), prPng = Path.Combine(directory, "pr.png");
        PlotCommand.WriteAtomically(rocPng, LearningCurves.Render(rocLines,
            string.Create(inv, $"ROC, one-vs-rest (macro AUC {summary.RocAucMacro:F4})"), "false positive rate", "true positive rate", svg: false, 1000, 650));
        PlotCommand.WriteAtomically(prPng, LearningCurves.Render(prLines,
            string.Create(inv, $"Precision-recall, one-vs-rest (macro AP {summary.AveragePrecisionMacro:F4})"), "recall", "precision", svg: false, 1000, 650));
        written.Add(rocPng);
        written.Add(prPng);
        return written;
    }
}
