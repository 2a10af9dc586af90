using Tessera.Models;
using Tessera.Testing;

namespace Tessera.Models.Tests;

public class ModelZooTests
{
    [Fact]
    public void ParameterNamesAndShapesMatchThePyTorchOriginals()
    {
        var lenet = new LeNet5(generator: new Generator(0));
        var expected = new (string, int[])[]
        {
            ("conv1.weight", [6, 1, 5, 5]), ("conv1.bias", [6]), ("conv2.weight", [16, 6, 5, 5]), ("conv2.bias", [16]),
            ("fc1.weight", [120, 400]), ("fc1.bias", [120]), ("fc2.weight", [84, 120]), ("fc2.bias", [84]),
            ("fc3.weight", [10, 84]), ("fc3.bias", [10]),
        };
        var actual = lenet.NamedParameters().Select(p => (p.Name, p.Parameter.ShapeArray())).ToArray();
        Assert.Equal(expected.Select(e => e.Item1), actual.Select(a => a.Name));
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i].Item2, actual[i].Item2);
        Assert.Equal(61706, lenet.ParameterCount);

        var mlp = new Mlp(generator: new Generator(0));
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], mlp.NamedParameters().Select(p => p.Name));
        Assert.Equal(101770, mlp.ParameterCount);
        Assert.Equal(["linear.weight", "linear.bias"], new LinearRegression().NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void LeNet5MatchesScalarLoopsForwardAndLastLayerGradients()
    {
        var lenet = new LeNet5(generator: new Generator(1));
        var x = Tensor.Randn([3, 1, 28, 28], new Generator(2));
        long[] labels = [1, 2, 3];
        var y = lenet.Forward(x);
        Assert.Equal([3, 10], y.ShapeArray());

        var (logits, h2) = ReferenceLeNet5(lenet, x.ToArray<float>().Select(v => (double)v).ToArray(), 3);
        TensorAssert.Close(logits, y, 1e-5, 1e-4, "lenet logits", [3, 10]);

        // d(mean CE)/d(logits) = (softmax − onehot) / n; fc3's gradients follow by hand: Σᵢ G and Gᵀ·h2.
        Functional.CrossEntropy(y, Tensor.FromArray(labels)).Backward();
        Assert.All(lenet.Parameters(), p => Assert.NotNull(p.Grad));
        var g = ScalarReference.CrossEntropyGrad(logits, labels, 10);
        var dBias = new double[10];
        var dWeight = new double[10 * 84];
        for (int i = 0; i < 3; i++)
            for (int c = 0; c < 10; c++)
            {
                dBias[c] += g[i * 10 + c];
                for (int k = 0; k < 84; k++) dWeight[c * 84 + k] += g[i * 10 + c] * h2[i * 84 + k];
            }
        TensorAssert.Close(dBias, lenet.Fc3.Bias!.Grad!, 1e-6, 1e-4, "fc3.bias grad", [10]);
        TensorAssert.Close(dWeight, lenet.Fc3.Weight.Grad!, 1e-6, 1e-4, "fc3.weight grad", [10, 84]);
    }

    [Fact]
    public void MlpMatchesScalarLoops()
    {
        var mlp = new Mlp(generator: new Generator(3));
        var x = Tensor.Randn([4, 1, 28, 28], new Generator(4));   // Forward flattens (N, 1, 28, 28) to (N, 784)
        var sd = mlp.StateDict();
        var h = ScalarReference.Relu(ScalarReference.Linear(x.ToArray<float>().Select(v => (double)v).ToArray(), 4,
            sd["fc1.weight"].ToArray<float>(), sd["fc1.bias"].ToArray<float>(), 784, 128));
        var expected = ScalarReference.Linear(h, 4, sd["fc2.weight"].ToArray<float>(), sd["fc2.bias"].ToArray<float>(), 128, 10);
        TensorAssert.Close(expected, mlp.Forward(x), 1e-5, 1e-4, "mlp", [4, 10]);
    }

    [Fact]
    public void LinearRegressionMatchesScalarLoops()
    {
        var model = new LinearRegression(3, 2, generator: new Generator(5));
        var x = Tensor.Randn([5, 3], new Generator(6));
        var sd = model.StateDict();
        var expected = ScalarReference.Linear(x.ToArray<float>().Select(v => (double)v).ToArray(), 5,
            sd["linear.weight"].ToArray<float>(), sd["linear.bias"].ToArray<float>(), 3, 2);
        TensorAssert.Close(expected, model.Forward(x), 1e-6, 1e-5, "linear regression", [5, 2]);
    }

    /// <summary>LeNet-5 (conv 5×5 pad 2 → relu → pool → conv 5×5 → relu → pool → 400 → 120 → 84 → classes) in plain loops.</summary>
    private static (double[] Logits, double[] H2) ReferenceLeNet5(LeNet5 net, double[] x, int n)
    {
        var sd = net.StateDict();
        float[] W(string name) => sd[name].ToArray<float>();
        var c1 = ScalarReference.Conv2d(x, n, 1, 28, 28, W("conv1.weight"), W("conv1.bias"), 6, 5, 2, out int h1, out int w1);   // (n, 6, 28, 28)
        var p1 = ScalarReference.MaxPool2x2(ScalarReference.Relu(c1), n, 6, h1, w1);                                               // (n, 6, 14, 14)
        var c2 = ScalarReference.Conv2d(p1, n, 6, 14, 14, W("conv2.weight"), W("conv2.bias"), 16, 5, 0, out int h2, out int w2);  // (n, 16, 10, 10)
        var p2 = ScalarReference.MaxPool2x2(ScalarReference.Relu(c2), n, 16, h2, w2);                                              // (n, 400)
        var f1 = ScalarReference.Relu(ScalarReference.Linear(p2, n, W("fc1.weight"), W("fc1.bias"), 400, 120));
        var f2 = ScalarReference.Relu(ScalarReference.Linear(f1, n, W("fc2.weight"), W("fc2.bias"), 120, 84));
        return (ScalarReference.Linear(f2, n, W("fc3.weight"), W("fc3.bias"), 84, 10), f2);
    }
}
