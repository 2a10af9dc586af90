using Tessera.IO;
using Tessera.Models;

namespace Tessera.Cli.Tests.Commands;

/// <summary>A short sgd run of mlp on the shipped subset (and a few damaged checkpoints), shared by the bad-input rows.</summary>
public sealed class TrainRunFixture : IDisposable
{
    public TrainRunFixture()
    {
        Root = Directory.CreateTempSubdirectory("tessera-train-cli-").FullName;
        Run = Path.Combine(Root, "run");
        var r = TrainCliProcess.Run(["train", "mlp", "--epochs", "2", "--max-steps", "3", "--batch-size", "32", "--out", Run]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"fixture run failed ({r.ExitCode}): {r.Stderr}");
        Checkpoint = Path.Combine(Run, "checkpoint.safetensors");
        EmptyDir = Directory.CreateDirectory(Path.Combine(Root, "empty")).FullName;
        Garbage = Path.Combine(Root, "garbage.safetensors");
        File.WriteAllText(Garbage, "not a safetensors file");
        PlainWeights = Path.Combine(Run, "model.safetensors");
        NoHparams = Path.Combine(Root, "nohparams.safetensors");
        Training.Checkpoint.Capture(new Mlp(generator: new Generator(1)), epoch: 1, step: 3).Save(NoHparams);
        BadEpoch = Rewrite("badepoch.safetensors", m => m["epoch"] = "one");
        NoStep = Rewrite("nostep.safetensors", m => m.Remove("step"));
        BadTrainer = Rewrite("badtrainer.safetensors", m => m["trainer"] = "{\"Epoch\": [");
        NullHistory = Rewrite("nullhistory.safetensors", m => m["trainer"] = "{\"Epoch\": 1, \"History\": null}");
        BadCallback = Rewrite("badcallback.safetensors", m => m["callback.ModelCheckpoint{monitor=none,mode=min}"] = "{\"best_k_models\": 3}");
        BadLr = Rewrite("badlr.safetensors", m => m["hparams"] = m["hparams"].Replace("\"lr\":\"0.01\"", "\"lr\":\"Infinity\"", StringComparison.Ordinal));
    }

    public string Root { get; }

    public string Run { get; }

    public string Checkpoint { get; }

    public string EmptyDir { get; }

    public string Garbage { get; }

    public string PlainWeights { get; }

    public string NoHparams { get; }

    public string BadEpoch { get; }

    public string NoStep { get; }

    public string BadTrainer { get; }

    public string BadLr { get; }

    public string NullHistory { get; }

    public string BadCallback { get; }

    private string Rewrite(string name, Action<Dictionary<string, string>> edit)
    {
        var tensors = SafeTensors.Load(Checkpoint, out var meta, mapped: false);
        var m = new Dictionary<string, string>(meta);
        edit(m);
        string path = Path.Combine(Root, name);
        SafeTensors.Save(tensors, path, m);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
