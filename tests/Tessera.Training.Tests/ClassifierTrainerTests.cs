using Tessera.Training;

namespace Tessera.Training.Tests;

public sealed class ClassifierTrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Subset()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string c = Path.Combine(d.FullName, "data", "fashion-mnist-subset");
            if (Directory.Exists(c)) return c;
        }
        throw new DirectoryNotFoundException("data/fashion-mnist-subset not found above the test binaries.");
    }

    private TrainOptions Options(string name, int epochs, string? resume = null) => new()
    {
        Model = "mlp", Epochs = epochs, Optimizer = "adam", Lr = 1e-3, L1 = 1e-6, Scheduler = "step", Seed = 5, BatchSize = 128,
        DataDirectory = Subset(), OutDirectory = Path.Combine(_dir, name), Resume = resume,
    };

    [Fact]
    public void ResumedRunMatchesStraightRunAndWritesOutputs()
    {
        var straight = new ClassifierTrainer(Options("a", 2));
        double accA = straight.Run();

        new ClassifierTrainer(Options("b", 1)).Run();
        string ckpt = Path.Combine(_dir, "b", "checkpoint.safetensors");
        var resumed = new ClassifierTrainer(Options("b", 2, ckpt));
        Assert.Equal(1, resumed.EpochsDone);
        double accB = resumed.Run();

        Assert.Equal(accA, accB);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a", "model.safetensors")), File.ReadAllBytes(Path.Combine(_dir, "b", "model.safetensors")));
        Assert.Equal(["checkpoint.safetensors", "metrics.csv", "model.safetensors"], Directory.GetFiles(Path.Combine(_dir, "b")).Select(Path.GetFileName).Order());
        var lines = File.ReadAllLines(Path.Combine(_dir, "b", "metrics.csv"));
        Assert.Equal(EpochMetrics.CsvHeader, lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("2,", lines[2]);
        // StepLR x0.7 after epoch 1: epoch 2 trains at 7e-4.
        Assert.Equal(7e-4, resumed.History[1].Lr, 12);
        Assert.InRange(accB, 0.5, 1.0);
        Assert.Equal(2, Checkpoint.Load(ckpt).Epoch);
    }
}
