using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tessera.Data;
using Tessera.Training;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera eval &lt;mlp|lenet&gt; --weights FILE</c>: test-split accuracy, per-class precision/recall/F1 and confusion matrix.</summary>
internal static class EvalCommand
{
    /// <summary>Creates the <c>eval</c> command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "mlp or lenet." };
        model.AcceptOnlyFromAmong("mlp", "lenet");
        var weights = new Option<string>("--weights") { Description = "model.safetensors (state dict, PyTorch names) or checkpoint.safetensors.", Required = true };
        var data = new Option<string?>("--data") { Description = "Directory with the Fashion-MNIST test files (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally .gz)." };
        var json = new Option<bool>("--json") { Description = "One JSON line: accuracy, per_class, confusion." };
        var threads = CliOptions.Threads();
        var command = new Command("eval", "Evaluate a trained classifier on the Fashion-MNIST test split.") { model, weights, data, json, threads };
        command.SetAction(r =>
        {
            CliOptions.ApplyThreads(r, threads);
            try
            {
                var net = ModelFactory.CreateClassifier(r.GetValue(model)!);
                WeightsLoader.Load(net, r.GetValue(weights)!);
                var test = new FashionMnist(train: false, directory: r.GetValue(data));
                var m = Evaluation.Evaluate(net, test.Inputs, test.Targets, FashionMnist.Classes.Count);
                var names = FashionMnist.Classes;
                if (r.GetValue(json))
                {
                    var perClass = Enumerable.Range(0, m.Classes).Select(c => new Dictionary<string, object>
                    {
                        ["class"] = names[c], ["precision"] = m.Precision(c), ["recall"] = m.Recall(c), ["f1"] = m.F1(c), ["support"] = m.Support(c),
                    }).ToList();
                    var confusion = Enumerable.Range(0, m.Classes).Select(i => Enumerable.Range(0, m.Classes).Select(j => m.Confusion[i, j]).ToArray()).ToArray();
                    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                    {
                        ["accuracy"] = m.Accuracy, ["macro_f1"] = m.MacroF1, ["examples"] = m.Total, ["per_class"] = perClass, ["confusion"] = confusion,
                    }));
                    return 0;
                }
                Console.WriteLine($"data: {test.Description}");
                var inv = CultureInfo.InvariantCulture;
                var table = new Table().Title("per-class metrics").AddColumns("class", "precision", "recall", "F1", "support");
                for (int c = 0; c < m.Classes; c++)
                    table.AddRow(Markup.Escape(names[c]), m.Precision(c).ToString("F4", inv), m.Recall(c).ToString("F4", inv), m.F1(c).ToString("F4", inv), m.Support(c).ToString(inv));
                var console = CliConsole.Create();
                console.Write(table);
                var conf = new Table().Title("confusion matrix (rows: true, columns: predicted)").AddColumn("true \\ pred");
                for (int c = 0; c < m.Classes; c++) conf.AddColumn(new TableColumn(c.ToString(inv)).RightAligned());
                for (int i = 0; i < m.Classes; i++)
                    conf.AddRow([$"{i} {Markup.Escape(names[i])}", .. Enumerable.Range(0, m.Classes).Select(j => i == j ? $"[green]{m.Confusion[i, j]}[/]" : m.Confusion[i, j].ToString(inv))]);
                console.Write(conf);
                Console.WriteLine(string.Create(inv, $"accuracy: {m.Accuracy:F4} ({m.Total} examples), macro F1 {m.MacroF1:F4}"));
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
