namespace Tessera.Optim.Tests;

public class ValidationTests
{
    private static Tensor[] P() => [Tensor.Zeros([2], DType.Float64, requiresGrad: true)];

    [Fact]
    public void BadHyperParametersNameTheValue()
    {
        Assert.Equal("Invalid learning rate: -0.1", Assert.Throws<ArgumentException>(() => new Sgd(P(), lr: -0.1)).Message);
        Assert.Equal("Invalid momentum value: -0.5", Assert.Throws<ArgumentException>(() => new Sgd(P(), lr: 0.1, momentum: -0.5)).Message);
        Assert.Equal("Nesterov momentum requires a momentum and zero dampening (momentum: 0, dampening: 0)",
            Assert.Throws<ArgumentException>(() => new Sgd(P(), lr: 0.1, nesterov: true)).Message);
        Assert.Equal("Invalid beta parameter at index 0: 1", Assert.Throws<ArgumentException>(() => new Adam(P(), beta1: 1.0)).Message);
        Assert.Equal("Invalid beta parameter at index 1: -0.2", Assert.Throws<ArgumentException>(() => new AdamW(P(), beta2: -0.2)).Message);
        Assert.Equal("Invalid epsilon value: -1E-08", Assert.Throws<ArgumentException>(() => new Adam(P(), eps: -1e-8)).Message);
        Assert.Equal("Invalid weight_decay value: -0.01", Assert.Throws<ArgumentException>(() => new AdamW(P(), weightDecay: -0.01)).Message);
        Assert.Equal("Invalid alpha value: -0.9", Assert.Throws<ArgumentException>(() => new RmsProp(P(), alpha: -0.9)).Message);
        Assert.Equal("Invalid lr_decay value: -1", Assert.Throws<ArgumentException>(() => new Adagrad(P(), lrDecay: -1)).Message);
        Assert.Equal("Invalid initial_accumulator_value value: -3", Assert.Throws<ArgumentException>(() => new Adagrad(P(), initialAccumulatorValue: -3)).Message);
        // A group's own bad value is caught too.
        Assert.Equal("Invalid learning rate: -2", Assert.Throws<ArgumentException>(() => new Sgd([new ParamGroup(P(), lr: -2)], lr: 0.1)).Message);
    }

    [Fact]
    public void BadSchedulerArgumentsThrow()
    {
        var opt = new Sgd(P(), lr: 0.1);
        string nl = Environment.NewLine;
        Assert.Equal($"Starting multiplicative factor expected to be between 0 and 1, got 1.5. (Parameter 'startFactor'){nl}Actual value was 1.5.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Schedulers.LinearLR(opt, startFactor: 1.5)).Message);
        Assert.Equal($"Invalid step_size: 0 (Parameter 'stepSize'){nl}Actual value was 0.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Schedulers.StepLR(opt, 0)).Message);
        Assert.Equal($"Invalid T_max: 0 (Parameter 'tMax'){nl}Actual value was 0.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Schedulers.CosineAnnealingLR(opt, 0)).Message);
        Assert.Equal($"Factor should be < 1.0, got 1. (Parameter 'factor'){nl}Actual value was 1.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new Schedulers.ReduceLROnPlateau(opt, factor: 1.0)).Message);
    }

    [Fact]
    public void EmptyOrIntegerParametersAreRejected()
    {
        Assert.Equal("Optimizer got an empty parameter group. (Parameter 'group')",
            Assert.Throws<ArgumentException>(() => new Sgd(Array.Empty<Tensor>(), lr: 0.1)).Message);
        Assert.Equal("Can only optimize floating-point tensors, got int64. (Parameter 'group')",
            Assert.Throws<ArgumentException>(() => new Sgd([Tensor.Zeros([2], DType.Int64)], lr: 0.1)).Message);
    }
}
