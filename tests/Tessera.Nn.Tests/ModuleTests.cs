using Tessera.Nn;
using Tessera.Nn.Layers;
using Tessera.Testing;

namespace Tessera.Nn.Tests;

public class ModuleTests
{
    private sealed class Net : Module<Tensor, Tensor>
    {
        public Net()
        {
            Features = RegisterModule("features", new Sequential(new Conv2d(1, 2, 3), new ReLU(), new BatchNorm2d(2)));
            Head = RegisterModule("head", new Linear(8, 3));
        }

        public Sequential Features { get; }

        public Linear Head { get; }

        public override Tensor Forward(Tensor x) => Head.Forward(Features.Forward(x).Flatten(1));
    }

    [Fact]
    public void SequentialParameterNamesSkipParameterlessChildren()
    {
        var m = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], m.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(4 * 3 + 3 + 3 * 2 + 2, m.ParameterCount);
        Assert.All(m.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
    }

    [Fact]
    public void NestedNamesBuffersAndModules()
    {
        var net = new Net();
        Assert.Equal(["features.0.weight", "features.0.bias", "features.2.weight", "features.2.bias", "head.weight", "head.bias"],
            net.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(["features.2.running_mean", "features.2.running_var", "features.2.num_batches_tracked"],
            net.NamedBuffers().Select(b => b.Name).ToArray());
        Assert.Equal(["", "features", "features.0", "features.1", "features.2", "head"], net.NamedModules().Select(m => m.Name).ToArray());
        Assert.Equal(2, net.Children().Count());
        Assert.Equal(["features.0.weight", "features.0.bias", "features.2.weight", "features.2.bias", "features.2.running_mean",
            "features.2.running_var", "features.2.num_batches_tracked", "head.weight", "head.bias"], net.StateDict().Keys.ToArray());
    }

    [Fact]
    public void SharedParameterListedOnce()
    {
        var lin = new Linear(2, 2);
        var m = new Sequential(lin, lin);
        Assert.Equal(["0.weight", "0.bias"], m.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(2 * 2 + 2, m.ParameterCount);
        // As PyTorch, the state dict lists a shared module under every name, and loading fills it from either.
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], m.StateDict().Keys.ToArray());
        var sd = new Sequential(new Linear(2, 2), new Linear(2, 2)).StateDict();
        m.LoadStateDict(sd);
        Assert.Equal(sd["1.weight"].ToDoubleArray(), lin.Weight.ToDoubleArray());
    }

    [Fact]
    public void NonPersistentBufferStaysOutOfStateDict()
    {
        var m = new Linear(2, 2);
        m.RegisterBuffer("scratch", Tensor.Zeros([2]), persistent: false);
        m.RegisterBuffer("kept", Tensor.Zeros([2]));
        Assert.Equal(["scratch", "kept"], m.NamedBuffers().Select(b => b.Name).ToArray());
        Assert.Equal(["weight", "bias", "kept"], m.StateDict().Keys.ToArray());
    }

    [Fact]
    public void RegisterRejectsDotsAndNameClashes()
    {
        var m = new Linear(2, 2);
        Assert.Throws<ArgumentException>(() => m.RegisterParameter("a.b", null));
        Assert.Throws<ArgumentException>(() => m.RegisterBuffer("weight", Tensor.Zeros([1])));
    }

    [Fact]
    public void StateDictRoundTripCopiesValuesInPlace()
    {
        var a = new Net();
        var b = new Net();
        a.Train();
        a.Forward(Tensor.Randn([4, 1, 4, 4], new Generator(3)));   // moves a's running stats
        var bWeight = b.Head.Weight;
        b.LoadStateDict(a.StateDict());
        Assert.Same(bWeight, b.Head.Weight);
        foreach (var ((ka, va), (kb, vb)) in a.StateDict().Zip(b.StateDict()))
        {
            Assert.Equal(ka, kb);
            Assert.Equal(va.ToDoubleArray(), vb.ToDoubleArray());
        }
        Assert.Equal(1L, b.StateDict()["features.2.num_batches_tracked"].Item<long>());
        // The state dict holds detached views: writing through them changes the module.
        using (GradMode.NoGrad()) a.StateDict()["head.bias"].Fill_(7);
        Assert.All(a.Head.Bias!.ToDoubleArray(), v => Assert.Equal(7, v));
        Assert.False(a.StateDict()["head.bias"].RequiresGrad);
    }

    [Fact]
    public void StrictLoadReportsEveryProblemInOneException()
    {
        var m = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        var sd = m.StateDict();
        var bad = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Zeros([3, 5]),
            ["0.bias"] = sd["0.bias"],
            ["2.weight"] = sd["2.weight"],
            ["extra.weight"] = Tensor.Zeros([1]),
            ["1.bogus"] = Tensor.Zeros([1]),
        };
        var before = m[0] is Linear l0 ? l0.Weight.ToDoubleArray() : [];
        var ex = Assert.Throws<StateDictException>(() => m.LoadStateDict(bad));
        Assert.Contains("\"2.bias\"", ex.Message);
        Assert.Contains("Missing key(s)", ex.Message);
        Assert.Contains("\"extra.weight\"", ex.Message);
        Assert.Contains("\"1.bogus\"", ex.Message);
        Assert.Contains("Unexpected key(s)", ex.Message);
        Assert.Contains("size mismatch for 0.weight", ex.Message);
        Assert.Contains("[3, 5]", ex.Message);
        Assert.Contains("[3, 4]", ex.Message);
        Assert.Equal(["2.bias"], ex.MissingKeys);
        Assert.Equal(["extra.weight", "1.bogus"], ex.UnexpectedKeys);
        Assert.Single(ex.ShapeMismatches);
        Assert.Equal(before, ((Linear)m[0]).Weight.ToDoubleArray());   // nothing copied
    }

    [Fact]
    public void NonStrictLoadReturnsKeysButStillRejectsShapes()
    {
        var m = new Linear(2, 2);
        var (missing, unexpected) = m.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Tensor.Ones([2, 2]), ["zzz"] = Tensor.Ones([1]) }, strict: false);
        Assert.Equal(["bias"], missing);
        Assert.Equal(["zzz"], unexpected);
        Assert.All(m.Weight.ToDoubleArray(), v => Assert.Equal(1, v));
        Assert.Throws<StateDictException>(() => m.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Tensor.Ones([2, 3]) }, strict: false));
    }

    [Fact]
    public void TrainEvalPropagatesAndApplyVisitsChildrenFirst()
    {
        var net = new Net();
        Assert.True(net.Modules().All(m => m.Training));
        net.Eval();
        Assert.True(net.Modules().All(m => !m.Training));
        net.Train();
        Assert.True(net.Features[2].Training);
        var order = new List<string>();
        net.Apply(m => order.Add(m.GetType().Name));
        Assert.Equal(["Conv2d", "ReLU", "BatchNorm2d", "Sequential", "Linear", "Net"], order);
    }

    [Fact]
    public void ZeroGradDropsGradients()
    {
        var m = new Linear(3, 2);
        m.Forward(Tensor.Ones([1, 3])).Sum().Backward();
        Assert.NotNull(m.Weight.Grad);
        m.ZeroGrad();
        Assert.All(m.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void PrintoutMatchesPyTorch()
    {
        var m = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10, bias: false));
        Assert.Equal("Sequential(\n  (0): Linear(in_features=784, out_features=128, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=128, out_features=10, bias=False)\n)", m.ToString());
        var nested = new Sequential(new Sequential(new Conv2d(1, 32, 3, padding: 1), new BatchNorm2d(32), new MaxPool2d(2)), new Flatten(), new Dropout(0.25));
        Assert.Equal(
            "Sequential(\n" +
            "  (0): Sequential(\n" +
            "    (0): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n" +
            "    (1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n" +
            "    (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n" +
            "  )\n" +
            "  (1): Flatten(start_dim=1, end_dim=-1)\n" +
            "  (2): Dropout(p=0.25, inplace=False)\n" +
            ")", nested.ToString());
        Assert.Equal("LayerNorm((16,), eps=1e-05, elementwise_affine=True)", new LayerNorm(16).ToString());
        Assert.Equal("Embedding(10, 3, padding_idx=0)", new Embedding(10, 3, paddingIdx: 0).ToString());
        Assert.Equal("LeakyReLU(negative_slope=0.01)", new LeakyReLU().ToString());
        Assert.Equal("GELU(approximate='none')", new GELU().ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=(1, 1))", new AdaptiveAvgPool2d((1, 1)).ToString());
        Assert.Equal("Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), groups=2, bias=False)", new Conv2d(4, 8, 3, stride: 2, groups: 2, bias: false).ToString());
    }

    [Fact]
    public void ModuleStateCreatedInsideAScopeOutlivesIt()
    {
        Sequential model;
        Tensor temporary;
        using (TensorScope.Begin())
        {
            model = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
            temporary = model.Forward(Tensor.Ones([4, 3]));
            temporary.Sum().Backward();
        }
        Assert.Throws<ObjectDisposedException>(() => temporary.ToDoubleArray());   // the step's temporaries were freed
        var weight = model.Parameters().First();
        Assert.Equal(6, weight.ToDoubleArray().Length);                            // parameters, gradients and buffers were not
        Assert.Equal(6, weight.Grad!.ToDoubleArray().Length);
        Assert.Equal(1L, model.StateDict()["1.num_batches_tracked"].Item<long>());

        // A tensor created in a scope and registered later is adopted too: the scope no longer frees it.
        var lateModule = new Linear(1, 1);
        using (TensorScope.Begin())
        {
            var p = new Parameter(Tensor.Full([2], 5.0));
            lateModule.RegisterParameter("extra", p);
            lateModule.RegisterBuffer("extra_buffer", Tensor.Full([2], 7.0));
        }
        Assert.Equal([5.0, 5.0], lateModule.StateDict()["extra"].ToDoubleArray());
        Assert.Equal([7.0, 7.0], lateModule.StateDict()["extra_buffer"].ToDoubleArray());
    }

    [Fact]
    public void ParameterSharesStorageOfContiguousData()
    {
        var data = Tensor.Zeros([2, 2]);
        var p = new Parameter(data);
        using (GradMode.NoGrad()) p.Fill_(3);
        Assert.All(data.ToDoubleArray(), v => Assert.Equal(3, v));
        Assert.True(p.RequiresGrad);
        Assert.False(new Parameter(data, requiresGrad: false).RequiresGrad);
        var strided = new Parameter(Tensor.Arange(6, DType.Float32).Reshape(2, 3).T);
        Assert.True(strided.IsContiguous);
        Assert.Equal([0.0, 3, 1, 4, 2, 5], strided.ToDoubleArray());
    }
}
