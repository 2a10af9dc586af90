using System.Text.Json;
using Tessera.Optim.Schedulers;
using Tessera.Testing;

namespace Tessera.Optim.Tests;

public class SchedulerParityTests
{
    public static TheoryData<string> Cases => OptimFixture.Names("schedulers");

    public static TheoryData<string> PlateauCases => OptimFixture.Names("plateau");

    private static Sgd NewOptimizer(double lr) => new([Tensor.Zeros([1], DType.Float64, requiresGrad: true)], lr);

    internal static LrScheduler Build(JsonElement c, Optimizer opt)
    {
        var o = c.GetProperty("options");
        return c.GetProperty("scheduler").GetString() switch
        {
            "StepLR" => new StepLR(opt, o.GetProperty("step_size").GetInt32(), o.GetProperty("gamma").GetDouble()),
            "MultiStepLR" => new MultiStepLR(opt, OptimFixture.Ints(o.GetProperty("milestones")), o.GetProperty("gamma").GetDouble()),
            "ExponentialLR" => new ExponentialLR(opt, o.GetProperty("gamma").GetDouble()),
            "LinearLR" => new LinearLR(opt, o.GetProperty("start_factor").GetDouble(), o.GetProperty("end_factor").GetDouble(), o.GetProperty("total_iters").GetInt32()),
            "CosineAnnealingLR" => new CosineAnnealingLR(opt, o.GetProperty("T_max").GetInt32(), o.GetProperty("eta_min").GetDouble()),
            "WarmupCosineLR" => new WarmupCosineLR(opt, o.GetProperty("warmup_steps").GetInt32(), o.GetProperty("total_steps").GetInt32(), o.GetProperty("min_lr").GetDouble()),
            var s => throw new ArgumentException(s),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LrSequenceMatchesPyTorch(string name)
    {
        var c = OptimFixture.Case("schedulers", name);
        var expected = OptimFixture.Doubles(c.GetProperty("lrs"));
        var opt = NewOptimizer(c.GetProperty("lr").GetDouble());
        var sched = Build(c, opt);
        var actual = new List<double> { sched.GetLastLr()[0] };
        for (int i = 1; i < expected.Length; i++)
        {
            opt.Step();
            sched.Step();
            actual.Add(sched.GetLastLr()[0]);
            Assert.Equal(actual[^1], opt.ParamGroups[0].Lr);
        }
        Assert.Equal(expected.Length - 1, sched.LastEpoch);
        TensorAssert.Close(expected, actual.ToArray(), atol: 0, rtol: 1e-12, what: name);
    }

    [Theory]
    [MemberData(nameof(PlateauCases))]
    public void ReduceLROnPlateauMatchesPyTorch(string name)
    {
        var c = OptimFixture.Case("plateau", name);
        var o = c.GetProperty("options");
        double D(string k, double d) => o.TryGetProperty(k, out var v) ? v.GetDouble() : d;
        int I(string k, int d) => o.TryGetProperty(k, out var v) ? v.GetInt32() : d;
        var mode = o.GetProperty("mode").GetString() == "max" ? PlateauMode.Max : PlateauMode.Min;
        var tmode = o.TryGetProperty("threshold_mode", out var tm) && tm.GetString() == "abs" ? ThresholdMode.Abs : ThresholdMode.Rel;
        var opt = NewOptimizer(c.GetProperty("lr").GetDouble());
        var sched = new ReduceLROnPlateau(opt, mode, D("factor", 0.1), I("patience", 10), D("threshold", 1e-4), tmode,
            I("cooldown", 0), D("min_lr", 0), D("eps", 1e-8));
        var metrics = OptimFixture.Doubles(c.GetProperty("metrics"));
        var expected = OptimFixture.Doubles(c.GetProperty("lrs"));
        var actual = new double[metrics.Length];
        for (int i = 0; i < metrics.Length; i++)
        {
            opt.Step();
            sched.Step(metrics[i]);
            actual[i] = opt.ParamGroups[0].Lr;
        }
        TensorAssert.Close(expected, actual, atol: 0, rtol: 1e-12, what: name);
    }

    [Fact]
    public void SchedulerStateRoundTripContinuesIdentically()
    {
        var c = OptimFixture.Case("schedulers", "cosine");
        var opt1 = NewOptimizer(0.1);
        var s1 = Build(c, opt1);
        for (int i = 0; i < 7; i++) s1.Step();
        var saved = s1.StateDict();
        var optState = opt1.StateDict();
        for (int i = 0; i < 10; i++) s1.Step();

        var opt2 = NewOptimizer(0.1);
        var s2 = Build(c, opt2);
        opt2.LoadStateDict(optState);
        s2.LoadStateDict(saved);
        for (int i = 0; i < 10; i++) s2.Step();
        Assert.Equal(s1.GetLastLr(), s2.GetLastLr());
        Assert.Equal(s1.LastEpoch, s2.LastEpoch);
    }

    [Fact]
    public void PlateauStateRoundTrip()
    {
        var metrics = OptimFixture.Doubles(OptimFixture.Case("plateau", "min_rel").GetProperty("metrics"));
        var opt1 = NewOptimizer(0.1);
        var s1 = new ReduceLROnPlateau(opt1, factor: 0.5, patience: 2, cooldown: 1);
        for (int i = 0; i < 12; i++) s1.Step(metrics[i]);
        var saved = s1.StateDict();
        var optState = opt1.StateDict();
        var opt2 = NewOptimizer(0.1);
        var s2 = new ReduceLROnPlateau(opt2, factor: 0.5, patience: 2, cooldown: 1);
        opt2.LoadStateDict(optState);
        s2.LoadStateDict(saved);
        for (int i = 12; i < metrics.Length; i++)
        {
            s1.Step(metrics[i]);
            s2.Step(metrics[i]);
            Assert.Equal(opt1.ParamGroups[0].Lr, opt2.ParamGroups[0].Lr);
        }
        Assert.True(opt1.ParamGroups[0].Lr < 0.1);
    }

    [Fact]
    public void ResumingNeedsInitialLr()
    {
        var ex = Assert.Throws<ArgumentException>(() => new StepLR(NewOptimizer(0.1), 3, lastEpoch: 4));
        Assert.Equal("param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer", ex.Message);
    }

    [Fact]
    public void WarmupCosineEndpoints()
    {
        var opt = NewOptimizer(1.0);
        var s = new WarmupCosineLR(opt, warmupSteps: 4, totalSteps: 12, minLr: 0.1);
        Assert.Equal(0.25, s.GetLastLr()[0]);
        for (int i = 0; i < 3; i++) s.Step();
        Assert.Equal(1.0, s.GetLastLr()[0]);
        s.Step(); // epoch 4: start of the cosine, still the base rate
        Assert.Equal(1.0, s.GetLastLr()[0], 15);
        for (int i = 0; i < 8; i++) s.Step();
        Assert.Equal(0.1, s.GetLastLr()[0], 15);
        s.Step();
        Assert.Equal(0.1, s.GetLastLr()[0], 15);
    }
}
