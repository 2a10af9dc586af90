using Tessera.Nn;
using Tessera.Nn.Layers;
using Tessera.Nn.Losses;
using Tessera.Testing;

namespace Tessera.Nn.Tests;

/// <summary>Modules with several inputs and tuple outputs are ordinary children: registered, named and saved as any other.</summary>
public class TypedModuleTests
{
    /// <summary>A recurrent cell with LSTM's shape: (x, (h, c)) → (y, (h', c')); h' = tanh(x·Wᵀ + h), c' = c + h', y = 2h'.</summary>
    private sealed class TinyCell : Module<Tensor, (Tensor H, Tensor C), (Tensor Output, (Tensor H, Tensor C) State)>
    {
        public TinyCell(Tensor weight) => Weight = RegisterParameter("weight", new Parameter(weight))!;

        public Parameter Weight { get; }

        public override (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor x, (Tensor H, Tensor C) state)
        {
            var h = Tensor.Linear(x, Weight).Add(state.H).Tanh();   // (N, F)
            var c = state.C.Add(h);
            return (h.Mul(2.0), (h, c));
        }
    }

    /// <summary>Attention's shape: (q, k, v, mask) → softmax(q·kᵀ + mask)·v·Woᵀ, with an optional additive mask.</summary>
    private sealed class TinyAttention : Module<Tensor, Tensor, Tensor, Tensor?, Tensor>
    {
        public TinyAttention(Linear proj) => Proj = RegisterModule("proj", proj);

        public Linear Proj { get; }

        public override Tensor Forward(Tensor q, Tensor k, Tensor v, Tensor? mask)
        {
            var scores = q.Matmul(k.Transpose(0, 1));                   // (T, T)
            if (mask is not null) scores = scores.Add(mask);
            return Proj.Forward(scores.Softmax(-1).Matmul(v));          // (T, F)
        }
    }

    /// <summary>A parent with a nullable state, as <c>nn.LSTM</c>: a missing state starts at zeros.</summary>
    private sealed class Net : Module<Tensor, (Tensor H, Tensor C)?, (Tensor Output, (Tensor H, Tensor C) State)>
    {
        public Net(TinyCell cell, TinyAttention attn)
        {
            Cell = RegisterModule("cell", cell);
            Attn = RegisterModule("attn", attn);
            Loss = RegisterModule("loss", new CrossEntropyLoss(weight: Tensor.FromArray([1.0, 2.0])));
        }

        public TinyCell Cell { get; }

        public TinyAttention Attn { get; }

        public CrossEntropyLoss Loss { get; }

        public override (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor x, (Tensor H, Tensor C)? state)
        {
            var s = state ?? (Tensor.Zeros(x.ShapeArray(), x.DType), Tensor.Zeros(x.ShapeArray(), x.DType));
            var (y, next) = Cell.Call(x, s);
            return (Attn.Call(y, y, y, null), next);
        }
    }

    private static readonly double[] W = [0.5, -0.25, 0.125, 0.75];        // (2, 2)
    private static readonly double[] Wo = [1.0, 0.5, -0.5, 2.0];           // (2, 2)

    private static Net Build()
    {
        var proj = new Linear(2, 2, bias: false, dtype: DType.Float64);
        using (GradMode.NoGrad()) proj.Weight.CopyFrom_(Tensor.FromArray(Wo, [2, 2]));
        return new Net(new TinyCell(Tensor.FromArray(W, [2, 2])), new TinyAttention(proj));
    }

    [Fact]
    public void ChildrenWithSeveralInputsAndTupleOutputsAreRegisteredAndSaved()
    {
        var net = Build();
        Assert.Equal(["cell.weight", "attn.proj.weight"], net.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(["cell.weight", "attn.proj.weight", "loss.weight"], net.StateDict().Keys.ToArray());
        Assert.Equal(["", "cell", "attn", "attn.proj", "loss"], net.NamedModules().Select(m => m.Name).ToArray());
        Assert.Equal(W, net.StateDict()["cell.weight"].ToDoubleArray());

        // Loading a state dict reaches the parameters of the multi-input and tuple-returning children.
        var other = Build();
        var sd = other.StateDict();
        sd["cell.weight"] = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, [2, 2]);
        net.LoadStateDict(sd);
        Assert.Equal([1.0, 2, 3, 4], net.Cell.Weight.ToDoubleArray());

        net.Eval();
        Assert.All(net.Modules(), m => Assert.False(m.Training));
    }

    [Fact]
    public void TupleStateFlowsThroughAndMatchesAHandComputation()
    {
        var net = Build();
        double[] xv = [0.3, -0.7, 1.1, 0.2];                                  // (2, 2)
        double[] h0 = [0.1, 0.2, -0.3, 0.4], c0 = [1.0, -1.0, 0.5, 0.0];
        var x = Tensor.FromArray(xv, [2, 2]).RequiresGrad_();
        var (y, (h1, c1)) = net.Call(x, (Tensor.FromArray(h0, [2, 2]), Tensor.FromArray(c0, [2, 2])));

        // The same in plain double arithmetic.
        var hRef = new double[4];
        for (int n = 0; n < 2; n++)
            for (int f = 0; f < 2; f++)
                hRef[n * 2 + f] = Math.Tanh(xv[n * 2] * W[f * 2] + xv[n * 2 + 1] * W[f * 2 + 1] + h0[n * 2 + f]);
        var cRef = c0.Select((c, i) => c + hRef[i]).ToArray();
        var cellY = hRef.Select(h => 2 * h).ToArray();
        var yRef = new double[4];
        for (int i = 0; i < 2; i++)
        {
            var s = new double[2];
            for (int j = 0; j < 2; j++) s[j] = cellY[i * 2] * cellY[j * 2] + cellY[i * 2 + 1] * cellY[j * 2 + 1];
            double mx = s.Max(), z = s.Sum(v => Math.Exp(v - mx));
            var a = new double[2];
            for (int f = 0; f < 2; f++)
                for (int j = 0; j < 2; j++) a[f] += Math.Exp(s[j] - mx) / z * cellY[j * 2 + f];
            for (int o = 0; o < 2; o++) yRef[i * 2 + o] = a[0] * Wo[o * 2] + a[1] * Wo[o * 2 + 1];
        }
        TensorAssert.Close(hRef, h1, 1e-12, 1e-12, "h'");
        TensorAssert.Close(cRef, c1, 1e-12, 1e-12, "c'");
        TensorAssert.Close(yRef, y, 1e-12, 1e-12, "y");

        // The loss child takes (input, target); gradients reach both children's parameters.
        net.Loss.Call(y, Tensor.FromArray(new long[] { 1, 0 })).Backward();
        Assert.NotNull(net.Cell.Weight.Grad);
        Assert.NotNull(net.Attn.Proj.Weight.Grad);
        Assert.NotNull(x.Grad);
    }

    [Fact]
    public void MissingStateStartsAtZeros()
    {
        var net = Build();
        var x = Tensor.FromArray(new double[] { 0.3, -0.7, 1.1, 0.2 }, [2, 2]);
        var (_, (h, c)) = net.Call(x, null);
        var (_, (hz, cz)) = net.Call(x, (Tensor.Zeros([2, 2], DType.Float64), Tensor.Zeros([2, 2], DType.Float64)));
        Assert.Equal(hz.ToDoubleArray(), h.ToDoubleArray());
        Assert.Equal(cz.ToDoubleArray(), c.ToDoubleArray());
        Assert.Equal(h.ToDoubleArray(), c.ToDoubleArray());                   // c' = 0 + h'
    }
}
