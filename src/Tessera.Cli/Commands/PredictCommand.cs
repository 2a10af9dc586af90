using System.CommandLine;
using System.Globalization;
using Tessera.Data;
using Tessera.Training;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera predict &lt;mlp|lenet&gt; --weights FILE --index N</c>: class and probabilities of one test example.</summary>
internal static class PredictCommand
{
    /// <summary>Creates the <c>predict</c> command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "mlp or lenet." };
        model.AcceptOnlyFromAmong("mlp", "lenet");
        var weights = new Option<string>("--weights") { Description = "model.safetensors (state dict, PyTorch names) or checkpoint.safetensors.", Required = true };
        var index = new Option<int>("--index") { Description = "Index of the test example.", Required = true };
        var data = new Option<string?>("--data") { Description = "Directory with the Fashion-MNIST test files (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally .gz)." };
        var threads = CliOptions.Threads();
        var command = new Command("predict", "Classify one Fashion-MNIST test example.") { model, weights, index, data, threads };
        command.SetAction(r =>
        {
            CliOptions.ApplyThreads(r, threads);
            try
            {
                var test = new FashionMnist(train: false, directory: r.GetValue(data));
                int n = r.GetValue(index);
                if (n < 0 || n >= test.Count)
                {
                    return CliErrors.Report($"--index {n} is out of range; the test split has {test.Count} examples (valid: 0..{test.Count - 1}).");
                }
                var net = ModelFactory.CreateClassifier(r.GetValue(model)!);
                WeightsLoader.Load(net, r.GetValue(weights)!);
                var p = Evaluation.Probabilities(net, test.Inputs.Select(0, n));
                int best = 0;
                for (int c = 1; c < p.Length; c++) if (p[c] > p[best]) best = c;
                var names = FashionMnist.Classes;
                long truth = test.Targets.Select(0, n).To(DType.Int64).Item<long>();
                var inv = CultureInfo.InvariantCulture;
                Console.WriteLine($"example {n}: predicted {best} {names[best]} (true {truth} {names[(int)truth]})");
                for (int c = 0; c < p.Length; c++)
                    Console.WriteLine(string.Create(inv, $"  {c} {names[c],-12} {p[c]:F6}"));
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
