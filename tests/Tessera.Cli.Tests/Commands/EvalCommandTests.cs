using System.Text.Json;
using Tessera.Data;
using Tessera.IO;
using Tessera.Models;

namespace Tessera.Cli.Tests.Commands;

/// <summary><c>tessera eval --json --save-curves</c> on the shipped test subset, checked against independent computations.</summary>
public class EvalCommandTests
{
    [Fact]
    public void JsonReportsOneVsRestAucEqualToPairCountingAndSavesCurves()
    {
        string dir = Directory.CreateTempSubdirectory("tessera-eval-").FullName;
        try
        {
            var net = new Mlp(generator: new Generator(3));
            string weights = Path.Combine(dir, "model.safetensors");
            SafeTensors.Save(net.StateDict(), weights);
            string curves = Path.Combine(dir, "curves");
            string subset = BadInputFiles.FindSubset();
            var run = CliProcess.Run(["eval", "mlp", "--weights", weights, "--data", subset, "--json", "--save-curves", curves, "--threads", "1"]);
            Assert.True(run.ExitCode == 0, run.ToString());
            using var doc = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]);
            var root = doc.RootElement;

            // Independent reference: softmax probabilities from the same weights, AUC per class by counting pairs
            // (Mann-Whitney: P(score of a positive > score of a negative), ties count one half).
            var test = new FashionMnist(train: false, directory: subset);
            long[] y = test.Targets.To(DType.Int64).ToArray<long>();
            float[] p;
            using (GradMode.NoGrad()) { net.Eval(); p = net.Forward(test.Inputs).Softmax(1).ToArray<float>(); }
            int n = y.Length, classes = 10;
            Assert.Equal(n, root.GetProperty("examples").GetInt64());
            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                var pos = new List<double>();
                var neg = new List<double>();
                for (int i = 0; i < n; i++) (y[i] == c ? pos : neg).Add(p[i * classes + c]);
                double wins = 0;
                foreach (double a in pos)
                    foreach (double b in neg)
                        wins += a > b ? 1 : a == b ? 0.5 : 0;
                double auc = wins / ((double)pos.Count * neg.Count);
                sum += auc;
                double reported = root.GetProperty("per_class")[c].GetProperty("roc_auc").GetDouble();
                // The CLI scores float32 logits softmaxed in double; the reference softmaxes in float32: near-ties may differ.
                Assert.True(Math.Abs(reported - auc) < 2e-4, $"class {c}: {reported} vs {auc}");
            }
            Assert.True(Math.Abs(root.GetProperty("roc_auc_macro").GetDouble() - sum / classes) < 2e-4);

            // Accuracy and the confusion matrix from argmax of the same probabilities.
            long correct = 0;
            var confusion = new long[classes, classes];
            for (int i = 0; i < n; i++)
            {
                int best = 0;
                for (int c = 1; c < classes; c++) if (p[i * classes + c] > p[i * classes + best]) best = c;
                confusion[y[i], best]++;
                if (best == y[i]) correct++;
            }
            Assert.Equal((double)correct / n, root.GetProperty("accuracy").GetDouble(), 12);
            var rows = root.GetProperty("confusion");
            for (int i = 0; i < classes; i++)
                for (int j = 0; j < classes; j++)
                    Assert.Equal(confusion[i, j], rows[i][j].GetInt64());

            foreach (string f in new[] { "roc.png", "pr.png", "roc_0.csv", "pr_9.csv" })
                Assert.True(File.Exists(Path.Combine(curves, f)), f);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(Path.Combine(curves, "roc.png"))[..4]);
            string[] roc0 = File.ReadAllLines(Path.Combine(curves, "roc_0.csv"));
            Assert.StartsWith("fpr,tpr", roc0[0]);
            Assert.Equal("1,1", string.Join(",", roc0[^1].Split(',')[..2]));   // every ROC curve ends at (1, 1)
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
