using Tessera.Testing;

namespace Tessera.Optim.Tests;

public class OptimizerParityTests
{
    public static TheoryData<string> Cases => OptimFixture.Names("optimizers");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchAfterNSteps(string name)
    {
        var c = OptimFixture.Case("optimizers", name);
        var problem = new Problem();
        var ps = problem.NewParams();
        var opt = Problem.Build(c, ps);
        problem.Train(opt, ps, c.GetProperty("steps").GetInt32());
        var finals = c.GetProperty("final").EnumerateArray().Select(OptimFixture.Doubles).ToArray();
        for (int i = 0; i < ps.Length; i++)
        {
            // The parameters really moved, so the comparison is not trivially true.
            Assert.NotEqual(problem.Initial[i].ToDoubleArray(), finals[i]);
            TensorAssert.Close(finals[i], ps[i], atol: 1e-14, rtol: 1e-10, what: $"{name} param {i}");
        }
    }

    [Fact]
    public void ParamsWithoutGradAreSkipped()
    {
        var a = Tensor.FromArray(new double[] { 1, 2 }, requiresGrad: true);
        var b = Tensor.FromArray(new double[] { 3, 4 }, requiresGrad: true);
        var opt = new Adam([a, b], lr: 0.1);
        a.Grad = Tensor.FromArray(new double[] { 1, -1 });
        opt.Step();
        Assert.Equal(new double[] { 3, 4 }, b.ToDoubleArray());
        Assert.Null(opt.GetState(b));
        // First Adam step moves each element by lr·sign(g) (up to eps).
        TensorAssert.Close([0.9, 2.1], a, atol: 1e-7, rtol: 0);
        Assert.Equal(1, opt.GetState(a)!.Step);
    }

    [Fact]
    public void ZeroGradSetsToNoneOrZeroes()
    {
        var a = Tensor.FromArray(new double[] { 1, 2 }, requiresGrad: true);
        var opt = new Sgd([a], lr: 0.1);
        a.Grad = Tensor.FromArray(new double[] { 5, 6 });
        opt.ZeroGrad(setToNone: false);
        Assert.Equal(new double[] { 0, 0 }, a.Grad!.ToDoubleArray());
        opt.ZeroGrad();
        Assert.Null(a.Grad);
    }

    [Fact]
    public void Float32MatchesFloat64Closely()
    {
        var problem = new Problem();
        var p64 = problem.NewParams();
        var p32 = problem.Initial.Select(t => t.To(DType.Float32).RequiresGrad_()).ToArray();
        var o64 = new Adam(p64, lr: 0.01, amsgrad: true);
        var o32 = new Adam(p32, lr: 0.01, amsgrad: true);
        for (int s = 0; s < 10; s++)
        {
            o64.ZeroGrad();
            o32.ZeroGrad();
            problem.Loss(p64).Backward();
            using (GradMode.NoGrad())
                for (int i = 0; i < p32.Length; i++) p32[i].Grad = p64[i].Grad!.To(DType.Float32);
            o64.Step();
            o32.Step();
            for (int i = 0; i < p32.Length; i++)
                using (GradMode.NoGrad()) p32[i].CopyFrom_(p64[i]); // keep inputs equal, compare one step's error
        }
        Assert.Equal(DType.Float32, o32.GetState(p32[0])!.Buffers["exp_avg"].DType);
        for (int i = 0; i < p32.Length; i++)
            TensorAssert.Close(o64.GetState(p64[i])!.Buffers["exp_avg"].ToDoubleArray(), o32.GetState(p32[i])!.Buffers["exp_avg"], atol: 1e-6, rtol: 1e-4);
    }

    [Fact]
    public void GroupsTakeDefaultsForUnsetOptions()
    {
        var a = Tensor.Zeros([2], DType.Float64, requiresGrad: true);
        var b = Tensor.Zeros([2], DType.Float64, requiresGrad: true);
        var opt = new Sgd([new ParamGroup([a]), new ParamGroup([b], lr: 0.5).Set("momentum", 0.1)], lr: 0.2, momentum: 0.9);
        Assert.Equal(0.2, opt.ParamGroups[0].Lr);
        Assert.Equal(0.9, opt.ParamGroups[0].Get("momentum"));
        Assert.Equal(0.5, opt.ParamGroups[1].Lr);
        Assert.Equal(0.1, opt.ParamGroups[1].Get("momentum"));
        Assert.Throws<ArgumentException>(() => opt.AddParamGroup(new ParamGroup([a])));
    }
}
