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
    public void ForwardShapesAndGradientsFlow()
    {
        var lenet = new LeNet5(generator: new Generator(1));
        var x = Tensor.Randn([3, 1, 28, 28], new Generator(2));
        var y = lenet.Forward(x);
        Assert.Equal([3, 10], y.ShapeArray());
        Functional.CrossEntropy(y, Tensor.FromArray(new long[] { 1, 2, 3 })).Backward();
        Assert.All(lenet.Parameters(), p => Assert.NotNull(p.Grad));
        Assert.Equal([2, 10], new Mlp().Forward(Tensor.Zeros([2, 1, 28, 28])).ShapeArray());
    }

    [Fact]
    public void MlpMatchesAHandWrittenForward()
    {
        var mlp = new Mlp(generator: new Generator(3));
        var x = Tensor.Randn([4, 784], new Generator(4));
        var sd = mlp.StateDict();
        var expected = Tensor.Linear(Tensor.Linear(x, sd["fc1.weight"], sd["fc1.bias"]).Relu(), sd["fc2.weight"], sd["fc2.bias"]);
        TensorAssert.Close(expected.ToDoubleArray(), mlp.Forward(x), 0, 0, "mlp");
    }
}
