// PyTorch Lightning's LitNet on Fashion-MNIST: the research code in a TrainingModule, the loop in the Trainer.
//     class LitNet(pl.LightningModule):
//         def __init__(self): super().__init__(); self.fc1 = nn.Linear(28 * 28, 128); self.fc2 = nn.Linear(128, 10)
//         def forward(self, x): return self.fc2(F.relu(self.fc1(x.view(x.size(0), -1))))
//         def training_step(self, batch, batch_idx):
//             x, y = batch; loss = F.cross_entropy(self(x), y); self.log("train_loss", loss); return loss
//         def validation_step(self, batch, batch_idx):
//             x, y = batch; logits = self(x)
//             self.log("val_loss", F.cross_entropy(logits, y)); self.log("val_acc", (logits.argmax(1) == y).float().mean())
//         def configure_optimizers(self): return torch.optim.Adam(self.parameters(), lr=1e-3)
//     trainer = pl.Trainer(max_epochs=3, callbacks=[EarlyStopping("val_loss")])
//     trainer.fit(LitNet(), train_loader, val_loader)
// Usage: dotnet run -c Release --project samples/Lightning [-- run-folder]   (default runs/lightning)
using Tessera;
using Tessera.Data;
using Tessera.Nn;
using Tessera.Nn.Layers;
using Tessera.Optim;
using Tessera.Training;
using Tessera.Training.Callbacks;

string runDir = args.Length > 0 ? args[0] : Path.Combine("runs", "lightning");
const ulong seed = 0;

var train = new FashionMnist(train: true);
var test = new FashionMnist(train: false);
Console.WriteLine(train.Description);
Console.WriteLine(test.Description);
var trainLoader = new DataLoader(train, batchSize: 64, shuffle: true, seed: seed);
var valLoader = new DataLoader(test, batchSize: 1000);

var trainer = new Trainer
{
    MaxEpochs = 3,
    Seed = seed,
    RunDirectory = runDir,                          // metrics.csv, model.safetensors, checkpoint.safetensors
    Callbacks = { new EarlyStopping("val_loss"), new LearningRateMonitor() },
};
var model = new LitNet(new Generator(seed));
trainer.Fit(model, trainLoader, valLoader);
Console.WriteLine($"val_acc {trainer.CallbackMetrics["val_acc"]:F4} after {trainer.Epoch} epochs; resume with " +
    $"trainer.Fit(model, trainLoader, valLoader, ckptPath: \"{Path.Combine(runDir, "checkpoint.safetensors")}\")");

internal sealed class LitNet : TrainingModule
{
    private readonly Linear _fc1, _fc2;

    public LitNet(Generator generator)
    {
        _fc1 = RegisterModule("fc1", new Linear(28 * 28, 128, generator: generator));
        _fc2 = RegisterModule("fc2", new Linear(128, 10, generator: generator));
    }

    public Tensor Forward(Tensor x) => _fc2.Forward(_fc1.Forward(x.Flatten(1)).Relu());     // (B, 1, 28, 28) -> (B, 10)

    public override Tensor TrainingStep(Batch batch, int batchIndex)
    {
        var loss = Functional.CrossEntropy(Forward(batch.Input), batch.Target);
        return loss;                                    // the trainer logs it as train_loss
    }

    public override void ValidationStep(Batch batch, int batchIndex)
    {
        var logits = Forward(batch.Input);
        Log("val_loss", Functional.CrossEntropy(logits, batch.Target));
        Log("val_acc", logits.Argmax(1).Eq(batch.Target).To(DType.Float32).Mean());
    }

    public override OptimizerConfig ConfigureOptimizers() => new Adam(Parameters(), lr: 1e-3);
}
