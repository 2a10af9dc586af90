using Tessera.Data;
using Tessera.Models;
using Tessera.Optim;
using Tessera.Training.Callbacks;
using Tessera.Training.Loggers;
using Tessera.Training.TensorBoard;

namespace Tessera.Training.Tests.TensorBoard;

/// <summary>The Trainer's TensorBoard logger and callbacks: what a fit writes, read back from the event file.</summary>
public class TensorBoardLoggerTests
{
    [Fact]
    public void FitWritesEpochScalarsHyperparametersHistogramsAndClassifierImages()
    {
        string dir = Directory.CreateTempSubdirectory("tessera-tblogger-").FullName;
        try
        {
            var data = TestModules.Data(64);
            var net = new Mlp(8, 16, 4, new Generator(5));
            var module = new ClassifierModule(net, p => new Sgd(p, 0.1), new Dictionary<string, string> { ["lr"] = "0.1", ["model"] = "mlp" });
            var images = data.Inputs.Reshape(64, 2, 4);   // (N, H, W): tiny gray "images" the Mlp flattens back
            string[] classes = ["a", "b", "c", "d"];
            using (var tb = new TensorBoardLogger(dir))
            {
                var trainer = new Trainer
                {
                    MaxEpochs = 2,
                    EnableProgressBar = false,
                    EnableCheckpointing = false,
                    Loggers = { tb },
                    Callbacks = { new TensorBoardHistograms(tb), new ClassifierImages(tb, net, images, data.Targets, classes, samples: 5) },
                };
                trainer.Fit(module, TestModules.Loader(data, 16), TestModules.Loader(data, 32, shuffle: false));

                var events = EventFileReader.ReadEvents(Assert.Single(EventFileReader.FindEventFiles(dir))).ToList();
                var values = events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Select(v => (e.Step, Value: v))).ToList();
                var scalars = EventFileReader.ReadScalars(Assert.Single(EventFileReader.FindEventFiles(dir))).ToList();
                // Every value of every epoch row, at the step the epoch ended (4 steps of 16 per epoch).
                Assert.Equal(2, trainer.History.Count);
                for (int e = 0; e < 2; e++)
                    foreach (var (name, v) in trainer.History[e].Values)
                    {
                        if (name == "epoch") continue;
                        var s = Assert.Single(scalars, x => x.Tag == name && x.Step == 4 * (e + 1));
                        Assert.Equal((float)v, (float)s.Value);
                    }
                // Hyper-parameters once, with the metric names of the first epoch row.
                var hp = Assert.Single(values, v => v.Value.Tag == "_hparams_/experiment");
                string experiment = hp.Value.Metadata.PluginData.Content.ToStringUtf8();
                foreach (string name in new[] { "lr", "model", "train_loss", "val_acc" }) Assert.Contains(name, experiment);
                string session = Assert.Single(values, v => v.Value.Tag == "_hparams_/session_start_info").Value.Metadata.PluginData.Content.ToStringUtf8();
                Assert.Contains("mlp", session);

                // Weight histograms at each epoch end, gradient histograms at each epoch's first step.
                var w = values.Where(v => v.Value.Tag == "weights/fc1.weight").ToList();
                Assert.Equal(new long[] { 4, 8 }, w.Select(v => v.Step));
                float[] final = net.Fc1.Weight.Detach().ToArray<float>();
                Assert.Equal(final.Length, w[1].Value.Histo.Num);
                Assert.Equal(final.Min(), w[1].Value.Histo.Min, 6);
                Assert.Equal(final.Max(), w[1].Value.Histo.Max, 6);
                Assert.Equal(new long[] { 0, 4 }, values.Where(v => v.Value.Tag == "grads/fc2.bias").Select(v => v.Step));

                // The confusion matrix image of the final network, and the predictions table.
                long[] pred = net.Forward(images).Argmax(1).ToArray<long>();
                long[] truth = data.Targets.To(DType.Int64).ToArray<long>();
                var confusion = new long[4, 4];
                for (int i = 0; i < 64; i++) confusion[truth[i], pred[i]]++;
                var cm = values.Where(v => v.Value.Tag == "confusion_matrix").ToList();
                Assert.Equal(new long[] { 4, 8 }, cm.Select(v => v.Step));
                Assert.Equal(ConfusionMatrixImage.Render(confusion).ToPng(), cm[1].Value.Image.EncodedImageString.ToByteArray());
                var samples = values.Where(v => v.Value.Tag == "samples").ToList();
                Assert.Equal(2, samples.Count);
                string table = values.Last(v => v.Value.Tag == "predictions").Value.Tensor.StringVal[0].ToStringUtf8();
                Assert.Contains($"| 0 | {classes[truth[0]]} | {classes[pred[0]]}", table);
                Assert.Equal(5 + 2, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ResumeWritesASessionStartAtTheLastEpochRowsStep()
    {
        string dir = Directory.CreateTempSubdirectory("tessera-tbresume-").FullName;
        try
        {
            using (var tb = new TensorBoardLogger(dir))
                tb.Resume([new MetricsRecord(1, 4, new Dictionary<string, double>()), new MetricsRecord(2, 8, new Dictionary<string, double>())]);
            var start = Assert.Single(EventFileReader.ReadEvents(Assert.Single(EventFileReader.FindEventFiles(dir))), e => e.SessionLog is not null);
            Assert.Equal(8, start.Step);
            Assert.Equal(Tensorboard.SessionLog.Types.SessionStatus.Start, start.SessionLog.Status);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
