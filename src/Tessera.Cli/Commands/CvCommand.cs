using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tessera.Data;
using Tessera.Data.Splits;
using Tessera.Metrics;
using Tessera.Training;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera cv &lt;mlp|lenet&gt; --folds K [--stratified]</c>: K-fold cross-validation on the Fashion-MNIST training split.
/// Each fold trains a fresh model (seed + fold) on the other folds with the Trainer and evaluates it on its own fold
/// (accuracy, macro precision/recall/F1, one-vs-rest ROC AUC); prints each fold, then mean ± standard deviation over folds.
/// </summary>
internal static class CvCommand
{
    private static readonly string[] Keys = ["accuracy", "precision_macro", "recall_macro", "f1_macro", "roc_auc_macro", "loss"];

    /// <summary>Creates the <c>cv</c> command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "mlp or lenet." };
        model.AcceptOnlyFromAmong("mlp", "lenet");
        var folds = new Option<int>("--folds") { Description = "Number of folds (at least 2).", DefaultValueFactory = _ => 5 };
        CliOptions.AddCheck(folds, v => v < 2 ? $"--folds must be at least 2, got {v}." : null);
        var stratified = new Option<bool>("--stratified") { Description = "Keep each class's share in every fold (StratifiedKFold)." };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per fold.", DefaultValueFactory = _ => 1 };
        CliOptions.AddCheck(epochs, v => v < 1 ? $"--epochs must be at least 1, got {v}." : null);
        var batch = new Option<int>("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 64 };
        CliOptions.AddCheck(batch, v => v < 1 ? $"--batch-size must be at least 1, got {v}." : null);
        var lr = new Option<double>("--lr") { Description = "Learning rate (SGD, momentum 0.9).", DefaultValueFactory = _ => 0.01 };
        CliOptions.AddCheck(lr, v => !double.IsFinite(v) || v <= 0 ? string.Create(CultureInfo.InvariantCulture, $"--lr must be a positive finite number, got {v}.") : null);
        var seed = new Option<ulong>("--seed") { Description = "Seed of the fold assignment, initialisation and shuffling." };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N training examples (quick runs)." };
        CliOptions.AddCheck(limit, v => v is < 1 ? $"--limit must be at least 1, got {v}." : null);
        var data = new Option<string?>("--data") { Description = "Directory with the Fashion-MNIST IDX files (default search, then the shipped subset)." };
        var json = new Option<bool>("--json") { Description = "One JSON line: {\"folds\": [...], \"mean\": {...}, \"std\": {...}}." };
        var threads = CliOptions.Threads();
        var command = new Command("cv", "K-fold cross-validation of a classifier on the Fashion-MNIST training split.")
            { model, folds, stratified, epochs, batch, lr, seed, limit, data, json, threads };
        command.SetAction(r =>
        {
            CliOptions.ApplyThreads(r, threads);
            try
            {
                return Run(r.GetValue(model)!, r.GetValue(folds), r.GetValue(stratified), r.GetValue(epochs), r.GetValue(batch), r.GetValue(lr),
                    r.GetValue(seed), r.GetValue(limit), r.GetValue(data), r.GetValue(json));
            }
            catch (Exception e) when (CliErrors.IsBadInput(e))
            {
                return CliErrors.Report(e);
            }
        });
        return command;
    }

    private static int Run(string name, int k, bool stratified, int epochs, int batchSize, double lr, ulong seed, int? limit, string? dataDir, bool json)
    {
        var train = new FashionMnist(train: true, directory: dataDir);
        int n = Math.Min(train.Count, limit ?? int.MaxValue);
        if (k > n) throw new ArgumentException($"--folds {k} is more than the {n} examples.");
        long[] labels = train.Targets.Narrow(0, 0, n).To(DType.Int64).ToArray<long>();
        ICrossValidator splitter = stratified ? new StratifiedKFold(k, shuffle: true, seed: seed) : new KFold(k, shuffle: true, seed: seed);
        var inv = CultureInfo.InvariantCulture;
        if (!json)
            Console.WriteLine(string.Create(inv, $"data: {train.Description}; {n} examples, {k} {(stratified ? "stratified " : "")}folds, {epochs} epoch(s) each"));
        var rows = new List<Dictionary<string, double>>();
        var sizes = new List<(int Train, int Validation)>();
        foreach (var fold in splitter.Split(labels))
        {
            var net = ModelFactory.CreateClassifier(name, new Generator(seed + (ulong)fold.Index));
            var module = new ClassifierModule(net, p => ModelFactory.CreateOptimizer("sgd", p, lr, 0.9, 0));
            var trainer = new Trainer
            {
                MaxEpochs = epochs,
                Seed = seed + (ulong)fold.Index,
                EnableCheckpointing = false,
                EnableProgressBar = false,
            };
            var loader = new DataLoader(new Subset<Sample>(train, fold.Train), batchSize, shuffle: true, seed: seed + (ulong)fold.Index);
            trainer.Fit(module, loader);

            var idx = Tensor.FromArray(Array.ConvertAll(fold.Validation, i => (long)i));
            var inputs = train.Inputs.IndexSelect(0, idx);                       // (V, 1, 28, 28)
            var targets = train.Targets.IndexSelect(0, idx).To(DType.Int64);     // (V)
            var summary = ClassifierEvaluation.Run(net, inputs, targets, FashionMnist.Classes.Count).Compute();
            double loss;
            using (GradMode.NoGrad())
            using (TensorScope.Begin())
            {
                net.Eval();
                loss = Functional.CrossEntropy(net.Forward(inputs), targets).ItemAsDouble();
            }
            var row = new Dictionary<string, double>
            {
                ["accuracy"] = summary.Accuracy, ["precision_macro"] = summary.PrecisionMacro, ["recall_macro"] = summary.RecallMacro,
                ["f1_macro"] = summary.F1Macro, ["roc_auc_macro"] = summary.RocAucMacro, ["loss"] = loss,
            };
            rows.Add(row);
            sizes.Add((fold.Train.Length, fold.Validation.Length));
            if (!json)
                Console.WriteLine(string.Create(inv,
                    $"fold {fold.Index + 1}/{k}: train {fold.Train.Length} val {fold.Validation.Length}  accuracy {row["accuracy"]:F4}  f1_macro {row["f1_macro"]:F4}  roc_auc_macro {row["roc_auc_macro"]:F4}  loss {row["loss"]:F4}"));
        }
        var mean = Keys.ToDictionary(key => key, key => rows.Average(r => r[key]));
        var std = Keys.ToDictionary(key => key, key => Std(rows.Select(r => r[key]).ToArray()));
        if (json)
        {
            var folds = rows.Select((r, i) =>
            {
                var d = new Dictionary<string, object?> { ["fold"] = i + 1, ["train_size"] = sizes[i].Train, ["val_size"] = sizes[i].Validation };
                foreach (string key in Keys) d[key] = ClassifierEvaluation.Json(r[key]);
                return d;
            }).ToList();
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["folds"] = folds,
                ["mean"] = mean.ToDictionary(kv => kv.Key, kv => ClassifierEvaluation.Json(kv.Value)),
                ["std"] = std.ToDictionary(kv => kv.Key, kv => ClassifierEvaluation.Json(kv.Value)),
            }));
        }
        else
            foreach (string key in Keys)
                Console.WriteLine(string.Create(inv, $"{key,-16} {mean[key]:F4} ± {std[key]:F4}"));
        return CliErrors.Ok;
    }

    /// <summary>Population standard deviation, as numpy's <c>scores.std()</c> in scikit-learn's cross-validation examples.</summary>
    internal static double Std(double[] v)
    {
        double m = v.Average(), s = 0;
        foreach (double x in v) s += (x - m) * (x - m);
        return Math.Sqrt(s / v.Length);
    }
}
