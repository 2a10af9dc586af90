using Tessera.Data;
using Tessera.Models;
using Tessera.Nn;
using Tessera.Optim;

namespace Tessera.Training.Tests;

public sealed class TrainerAllocationTests
{
    private const int Batch = 8;
    private const int N = 512;

    /// <summary>Managed bytes per steady-state step (batches 2..end of the second epoch), measured on the training thread.</summary>
    private sealed class StepMeter : Callbacks.Callback
    {
        private long _start;

        public double BytesPerStep { get; private set; }

        public override void OnTrainBatchEnd(Trainer trainer, TrainingModule module, Batch batch, int batchIndex)
        {
            if (trainer.Epoch != 1) return;
            if (batchIndex == 0) _start = GC.GetAllocatedBytesForCurrentThread();
            else if (batchIndex == trainer.BatchesPerEpoch - 1) BytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - _start) / (double)(trainer.BatchesPerEpoch - 1);
        }
    }

    [Fact]
    public void ATrainerStepAllocatesNoMoreThanTheHandWrittenLoop()
    {
        var data = TestModules.Data(N);
        var meter = new StepMeter();
        var module = TestModules.Classifier(optimizer: "sgd");
        new Trainer { MaxEpochs = 2, EnableProgressBar = false, Callbacks = { new Callbacks.LearningRateMonitor(), meter } }
            .Fit(module, TestModules.Loader(data, Batch));

        // The loop the trainer replaces (as the per-model trainer the Trainer replaced): same ops, same reads of the loss and accuracy.
        var net = new Mlp(8, 16, 4, new Generator(1));
        var opt = new Sgd(net.Parameters(), 0.01);
        var loader = TestModules.Loader(data, Batch);
        double hand = 0;
        for (int epoch = 0; epoch < 2; epoch++)
        {
            int i = 0;
            long start = 0;
            double lossSum = 0, correct = 0;
            foreach (var b in loader)
            {
                using (TensorScope.Begin())
                {
                    opt.ZeroGrad();
                    var logits = net.Forward(b.Input);
                    var loss = Functional.CrossEntropy(logits, b.Target).Add(Nn.Losses.Regularization.L1(net.Parameters()).Mul(1e-4));
                    loss.Backward();
                    opt.Step();
                    lossSum += loss.Item<float>() * b.Size;
                    using (GradMode.NoGrad()) correct += logits.Argmax(1).Eq(b.Target).To(DType.Int64).Sum().Item<long>();
                }
                b.Dispose();
                if (epoch == 1 && i == 0) start = GC.GetAllocatedBytesForCurrentThread();
                if (epoch == 1 && i == N / Batch - 1) hand = (GC.GetAllocatedBytesForCurrentThread() - start) / (double)(N / Batch - 1);
                i++;
            }
            Assert.True(lossSum > 0 && correct >= 0);
        }
        if (Environment.GetEnvironmentVariable("TESSERA_PRINT_ALLOC") is not null) Console.Error.WriteLine($"alloc trainer {meter.BytesPerStep:F0} hand {hand:F0}");
        Assert.True(meter.BytesPerStep > 0);
        Assert.True(meter.BytesPerStep <= hand + 64, $"trainer {meter.BytesPerStep:F0} B/step, hand-written loop {hand:F0} B/step");
    }
}
