using Tessera.Nn;

namespace Tessera.Models.Tests;

public class ConcurrentInferenceTests
{
    [Fact]
    public void TwoThreadsWithTheirOwnScopesNeverSeeEachOthersBuffers()
    {
        var model = new Mlp(inFeatures: 32, hidden: 64, classes: 10, generator: new Generator(3));
        model.Eval();
        var inputs = new Tensor[2][];
        var expected = new float[2][][];
        for (int t = 0; t < 2; t++)
        {
            var g = new Generator((ulong)(10 + t));
            inputs[t] = Enumerable.Range(0, 4).Select(_ => Tensor.Randn([8, 32], g)).ToArray();
            using (GradMode.NoGrad())
                expected[t] = inputs[t].Select(x => model.Forward(x).ToArray<float>()).ToArray();   // single-threaded reference
        }

        var failures = new int[2];
        var start = new Barrier(2);
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            using var noGrad = GradMode.NoGrad();
            for (int i = 0; i < 300; i++)
            {
                using var scope = TensorScope.Begin();
                int k = i % inputs[t].Length;
                if (!model.Forward(inputs[t][k]).ToArray<float>().AsSpan().SequenceEqual(expected[t][k])) failures[t]++;
            }
        })).ToArray();
        foreach (var th in threads) th.Start();
        foreach (var th in threads) th.Join();

        Assert.Equal([0, 0], failures);
        Assert.Equal(expected[0][0], model.Forward(inputs[0][0]).Detach().ToArray<float>());   // the model's parameters survived both threads' scopes
    }
}
