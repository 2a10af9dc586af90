namespace Tessera.Optim.Tests;

public class StateDictTests
{
    public static TheoryData<string> Cases => OptimFixture.Names("optimizers");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ResumedOptimizerContinuesBitIdentically(string name)
    {
        var c = OptimFixture.Case("optimizers", name);
        var problem = new Problem();
        const int k = 7, n = 20;

        var full = problem.NewParams();
        problem.Train(Problem.Build(c, full), full, n);

        var first = problem.NewParams();
        var opt1 = Problem.Build(c, first);
        problem.Train(opt1, first, k);
        var saved = opt1.StateDict();
        problem.Train(opt1, first, 3); // training on must not disturb the saved copy

        // Resume from a checkpoint: the saved tensors, through the flat tensor + metadata form.
        var resumed = problem.NewParams();
        var opt2 = Problem.Build(c, resumed);
        var (tensors, meta) = saved.ToTensors();
        opt2.LoadStateDict(OptimizerStateDict.FromTensors(tensors, meta));
        var opt1Again = problem.NewParams();
        var optRef = Problem.Build(c, opt1Again);
        problem.Train(optRef, opt1Again, k);
        using (GradMode.NoGrad())
            for (int i = 0; i < resumed.Length; i++) resumed[i].CopyFrom_(opt1Again[i]);
        problem.Train(opt2, resumed, n - k);

        for (int i = 0; i < full.Length; i++)
            Assert.Equal(full[i].ToDoubleArray(), resumed[i].ToDoubleArray());
    }

    [Fact]
    public void LoadRestoresHyperParametersAndSteps()
    {
        var problem = new Problem();
        var ps = problem.NewParams();
        var opt = new Adam(ps, lr: 0.01);
        problem.Train(opt, ps, 3);
        opt.ParamGroups[0].Lr = 0.5;
        var saved = opt.StateDict();
        Assert.Equal(4, saved.State.Count);
        Assert.All(saved.State.Values, s => Assert.Equal(3, s.Step));
        Assert.Equal(new[] { 0, 1, 2, 3 }, saved.Groups[0].ParamIndices);

        var fresh = new Adam(problem.NewParams(), lr: 0.01);
        fresh.LoadStateDict(saved);
        Assert.Equal(0.5, fresh.ParamGroups[0].Lr);
        Assert.Equal(3, fresh.GetState(fresh.ParamGroups[0].Params[2])!.Step);
        Assert.Equal(saved.State[2].Buffers["exp_avg_sq"].ToDoubleArray(), fresh.GetState(fresh.ParamGroups[0].Params[2])!.Buffers["exp_avg_sq"].ToDoubleArray());
    }

    [Fact]
    public void SaveAndLoadFileRoundTripsExactly()
    {
        var problem = new Problem();
        var ps = problem.NewParams();
        var p32 = Tensor.Randn([5], new Generator(3)).RequiresGrad_();
        var opt = new RmsProp([new ParamGroup(ps), new ParamGroup([p32], lr: 0.001)], lr: 0.01, centered: true, momentum: 0.5);
        problem.Train(opt, ps, 4);
        var saved = opt.StateDict();
        var path = Path.Combine(Path.GetTempPath(), $"tessera_optim_{Guid.NewGuid():N}.safetensors");
        try
        {
            saved.Save(path);
            var loaded = OptimizerStateDict.Load(path);
            Assert.Equal(saved.State.Keys, loaded.State.Keys);
            Assert.Equal(0.001, loaded.Groups[1].Options["lr"]);
            Assert.Equal(new[] { 4 }, loaded.Groups[1].ParamIndices);
            foreach (var (i, s) in saved.State)
            {
                Assert.Equal(s.Step, loaded.State[i].Step);
                foreach (var (k, t) in s.Buffers) Assert.Equal(t.ToDoubleArray(), loaded.State[i].Buffers[k].ToDoubleArray());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MismatchedGroupsAreRejected()
    {
        var problem = new Problem();
        var ps = problem.NewParams();
        var opt = new Sgd(ps, lr: 0.1, momentum: 0.9);
        problem.Train(opt, ps, 1);
        var other = new Sgd(problem.NewParams().Take(2), lr: 0.1);
        Assert.Throws<ArgumentException>(() => other.LoadStateDict(opt.StateDict()));
    }
}
