using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tessera.Data;
using Tessera.Training;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera eval &lt;mlp|lenet&gt; --weights FILE</c>: test-split accuracy, per-class precision/recall/F1, one-vs-rest ROC AUC
/// and average precision on the softmax probabilities, and the confusion matrix; <c>--save-curves DIR</c> writes the ROC and
/// precision-recall curves (CSV and PNG).
/// </summary>
internal static class EvalCommand
{
    /// <summary>Creates the <c>eval</c> command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "mlp or lenet." };
        model.AcceptOnlyFromAmong("mlp", "lenet");
        var weights = new Option<string>("--weights") { Description = "model.safetensors (state dict, PyTorch names) or checkpoint.safetensors.", Required = true };
        var data = new Option<string?>("--data") { Description = "Directory with the Fashion-MNIST test files (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally .gz)." };
        var json = new Option<bool>("--json") { Description = "One JSON line: accuracy, macro_f1, roc_auc_macro (one-vs-rest), per_class, confusion." };
        var curves = new Option<string?>("--save-curves") { Description = "Directory for the per-class ROC and precision-recall curves (roc_<i>.csv, pr_<i>.csv, roc.png, pr.png)." };
        var threads = CliOptions.Threads();
        var command = new Command("eval", "Evaluate a trained classifier on the Fashion-MNIST test split.") { model, weights, data, json, curves, threads };
        command.SetAction(r =>
        {
            CliOptions.ApplyThreads(r, threads);
            try
            {
                var net = ModelFactory.CreateClassifier(r.GetValue(model)!);
                WeightsLoader.Load(net, r.GetValue(weights)!);
                var test = new FashionMnist(train: false, directory: r.GetValue(data));
                int classes = FashionMnist.Classes.Count;
                var report = ClassifierEvaluation.Run(net, test.Inputs, test.Targets, classes);
                var m = report.Compute();
                var names = FashionMnist.Classes;
                IReadOnlyList<string> saved = r.GetValue(curves) is { } dir ? ClassifierEvaluation.SaveCurves(report, names, dir) : [];
                if (r.GetValue(json))
                {
                    var perClass = Enumerable.Range(0, classes).Select(c => new Dictionary<string, object?>
                    {
                        ["class"] = names[c], ["precision"] = m.Precision[c], ["recall"] = m.Recall[c], ["f1"] = m.F1[c], ["support"] = m.Support[c],
                        ["roc_auc"] = ClassifierEvaluation.Json(m.RocAuc[c]), ["average_precision"] = ClassifierEvaluation.Json(m.AveragePrecision[c]),
                    }).ToList();
                    var confusion = Enumerable.Range(0, classes).Select(i => Enumerable.Range(0, classes).Select(j => m.Confusion[i, j]).ToArray()).ToArray();
                    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                    {
                        ["accuracy"] = m.Accuracy, ["macro_f1"] = m.F1Macro, ["roc_auc_macro"] = ClassifierEvaluation.Json(m.RocAucMacro),
                        ["roc_auc_weighted"] = ClassifierEvaluation.Json(m.RocAucWeighted), ["average_precision_macro"] = ClassifierEvaluation.Json(m.AveragePrecisionMacro),
                        ["examples"] = m.Count, ["per_class"] = perClass, ["confusion"] = confusion,
                    }));
                    return 0;
                }
                Console.WriteLine($"data: {test.Description}");
                var inv = CultureInfo.InvariantCulture;
                var table = new Table().Title("per-class metrics").AddColumns("class", "precision", "recall", "F1", "ROC AUC", "AP", "support");
                for (int c = 0; c < classes; c++)
                    table.AddRow(Markup.Escape(names[c]), m.Precision[c].ToString("F4", inv), m.Recall[c].ToString("F4", inv), m.F1[c].ToString("F4", inv),
                        m.RocAuc[c].ToString("F4", inv), m.AveragePrecision[c].ToString("F4", inv), m.Support[c].ToString(inv));
                var console = CliConsole.Create();
                console.Write(table);
                var conf = new Table().Title("confusion matrix (rows: true, columns: predicted)").AddColumn("true \\ pred");
                for (int c = 0; c < classes; c++) conf.AddColumn(new TableColumn(c.ToString(inv)).RightAligned());
                for (int i = 0; i < classes; i++)
                    conf.AddRow([$"{i} {Markup.Escape(names[i])}", .. Enumerable.Range(0, classes).Select(j => i == j ? $"[green]{m.Confusion[i, j]}[/]" : m.Confusion[i, j].ToString(inv))]);
                console.Write(conf);
                Console.WriteLine(string.Create(inv, $"accuracy: {m.Accuracy:F4} ({m.Count} examples), macro F1 {m.F1Macro:F4}, ROC AUC (one-vs-rest, macro) {m.RocAucMacro:F4}, macro AP {m.AveragePrecisionMacro:F4}"));
                if (saved.Count > 0) Console.WriteLine($"wrote {saved.Count} curve files to {r.GetValue(curves)} (roc.png, pr.png, roc_<i>.csv, pr_<i>.csv)");
                return 0;
            }
            catch (Exception e) when (CliErrors.IsBadInput(e))
            {
                return CliErrors.Report(e);
            }
        });
        return command;
    }
}
