namespace Tessera.Optim.Tests;

/// <summary>
/// The fused kernels have a vector part, a scalar tail and a parallel split for large tensors; all must give
/// every element the same bits. Reference: the same data as one-element tensors (scalar code only).
/// </summary>
public class KernelPathTests
{
    public static TheoryData<string, DType> Configs()
    {
        var data = new TheoryData<string, DType>();
        foreach (var name in new[] { "sgd", "adam", "adamw", "rmsprop", "adagrad" })
        {
            data.Add(name, DType.Float64);
            data.Add(name, DType.Float32);
        }
        return data;
    }

    private static Optimizer Make(string name, IEnumerable<Tensor> ps) => name switch
    {
        "sgd" => new Sgd(ps, lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01),
        "adam" => new Adam(ps, lr: 0.01, weightDecay: 0.1, amsgrad: true, maximize: true),
        "adamw" => new AdamW(ps, lr: 0.01, weightDecay: 0.1),
        "rmsprop" => new RmsProp(ps, lr: 0.01, momentum: 0.5, centered: true, weightDecay: 0.01),
        "adagrad" => new Adagrad(ps, lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void VectorAndParallelPathsMatchScalarBitForBit(string name, DType dtype)
    {
        const int n = 2 * SpanVec.Grain + 13; // parallel split plus a ragged vector tail
        const int pieces = 300;               // the scalar reference covers a prefix (one-element tensors are slow)
        var gen = new Generator(7);
        var init = Tensor.Randn([n], gen, dtype);
        var big = init.Clone().RequiresGrad_();
        var small = Enumerable.Range(0, pieces).Select(i => init.Narrow(0, i, 1).Clone().RequiresGrad_()).ToArray();
        var bigOpt = Make(name, [big]);
        var smallOpt = Make(name, small);
        for (int step = 0; step < 4; step++)
        {
            var g = Tensor.Randn([n], gen, dtype);
            big.Grad = g;
            for (int i = 0; i < pieces; i++) small[i].Grad = g.Narrow(0, i, 1).Clone();
            bigOpt.Step();
            smallOpt.Step();
        }
        var bigValues = big.ToDoubleArray();
        Assert.NotEqual(init.ToDoubleArray()[0], bigValues[0]);
        for (int i = 0; i < pieces; i++)
            Assert.Equal(small[i].ToDoubleArray()[0], bigValues[i]);

        // The tail and the chunk seams: rerun those elements through the scalar code too.
        var tailIdx = new[] { SpanVec.Grain - 1, SpanVec.Grain, n - 13, n - 5, n - 1 };
        var gen2 = new Generator(7);
        var init2 = Tensor.Randn([n], gen2, dtype);
        var tail = tailIdx.Select(i => init2.Narrow(0, i, 1).Clone().RequiresGrad_()).ToArray();
        var tailOpt = Make(name, tail);
        for (int step = 0; step < 4; step++)
        {
            var g = Tensor.Randn([n], gen2, dtype);
            for (int j = 0; j < tail.Length; j++) tail[j].Grad = g.Narrow(0, tailIdx[j], 1).Clone();
            tailOpt.Step();
        }
        for (int j = 0; j < tail.Length; j++) Assert.Equal(tail[j].ToDoubleArray()[0], bigValues[tailIdx[j]]);
    }
}
