// LeNet-5 on Fashion-MNIST, the shape of PyTorch's classic MNIST CNN example:
//     model = LeNet5(); opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
//     for batch_idx, (data, target) in enumerate(train_loader):
//         opt.zero_grad(); loss = F.cross_entropy(model(data), target); loss.backward(); opt.step()
//     test(...); torch.save(model.state_dict(), "model.pt")
// Usage: dotnet run -c Release --project samples/LeNet [-- output.safetensors]
using Tessera;
using Tessera.Data;
using Tessera.IO;
using Tessera.Models;
using Tessera.Optim;

string outPath = args.Length > 0 ? args[0] : "model.safetensors";
const ulong seed = 0;
var gen = new Generator(seed);

// Default resolution: the full set in /usr/share/datasets/fashion-mnist, else the subset shipped in the repo.
var train = new FashionMnist(train: true);
var test = new FashionMnist(train: false);
Console.WriteLine(train.Description);
Console.WriteLine(test.Description);

var model = new LeNet5(generator: gen);                             // conv-pool-conv-pool-fc-fc-fc
var opt = new Sgd(model.Parameters(), lr: 0.01, momentum: 0.9);
var trainLoader = new DataLoader(train, batchSize: 64, shuffle: true, seed: seed);

model.Train();
int batchIdx = 0;
foreach (var batch in trainLoader)                                  // one epoch
{
    // A scope per step frees the activations and gradients' temporaries deterministically instead of
    // leaving them to the GC. Parameters, gradients and the momentum buffers are state, which no scope owns.
    using var scope = TensorScope.Begin();
    opt.ZeroGrad();
    var loss = Functional.CrossEntropy(model.Forward(batch.Input), batch.Target);
    loss.Backward();
    opt.Step();
    if (batchIdx % 100 == 0)
        Console.WriteLine($"Train [{batchIdx * trainLoader.BatchSize,5}/{train.Count}]  loss {loss.Item<float>():F4}");
    batchIdx++;
}

// Evaluation: no autograd graph, and Eval() mode (no effect on this model, but it is the habit that matters).
model.Eval();
long correct = 0;
using (GradMode.NoGrad())
{
    foreach (var batch in new DataLoader(test, batchSize: 1000))
    {
        using var scope = TensorScope.Begin();
        var pred = model.Forward(batch.Input).Argmax(1);
        correct += pred.Eq(batch.Target).To(DType.Int64).Sum().Item<long>();
    }
}
Console.WriteLine($"Test accuracy: {correct}/{test.Count} ({100.0 * correct / test.Count:F2}%)");

SafeTensors.Save(model.StateDict(), outPath);
Console.WriteLine($"Saved {outPath}");
