using Tessera.Data;
using Tessera.Nn;
using Tessera.Nn.Losses;

namespace Tessera.Training;

/// <summary>
/// A <see cref="TrainingModule"/> for a classifier <see cref="Module{TIn, TOut}"/> mapping inputs (B, ...) to logits
/// (B, C): cross-entropy loss (plus <see cref="L1"/>·Σ|p| when set), and accuracy logged as "train_acc",
/// "{prefix}_loss"/"{prefix}_acc" in validation (prefix <see cref="ValidationPrefix"/>) and "test_loss"/"test_acc" in test.
/// Predictions are argmax class indices (B). Its <see cref="Model"/> is the wrapped network, so checkpoints and
/// weights use the network's own names.
/// </summary>
public sealed class ClassifierModule : TrainingModule
{
    private readonly Func<IEnumerable<Tensor>, OptimizerConfig> _configure;
    private readonly Dictionary<string, string> _hparams;

    /// <summary>Wraps <paramref name="network"/>; <paramref name="configureOptimizers"/> builds the optimizers over its parameters.</summary>
    public ClassifierModule(Module<Tensor, Tensor> network, Func<IEnumerable<Tensor>, OptimizerConfig> configureOptimizers,
        IReadOnlyDictionary<string, string>? hyperparameters = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(configureOptimizers);
        Network = network;
        _configure = configureOptimizers;
        _hparams = hyperparameters is null ? new(StringComparer.Ordinal) : new(hyperparameters, StringComparer.Ordinal);
    }

    /// <summary>The wrapped classifier.</summary>
    public Module<Tensor, Tensor> Network { get; }

    /// <inheritdoc />
    public override Module Model => Network;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Hyperparameters => _hparams;

    /// <summary>Coefficient of the L1 penalty on all parameters (0: none).</summary>
    public double L1 { get; init; }

    /// <summary>Prefix of validation metric names ("val"; "test" when validating on the test split).</summary>
    public string ValidationPrefix { get; init; } = "val";

    /// <inheritdoc />
    public override Tensor TrainingStep(Batch batch, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var logits = Network.Forward(batch.Input);                       // (B, C)
        var loss = Functional.CrossEntropy(logits, batch.Target);
        if (L1 > 0) loss = loss.Add(Regularization.L1(Network.Parameters()).Mul(L1));
        Log("train_acc", Correct(logits, batch.Target) / batch.Size);
        return loss;
    }

    /// <inheritdoc />
    public override void ValidationStep(Batch batch, int batchIndex) => Evaluate(batch, ValidationPrefix);

    /// <inheritdoc />
    public override void TestStep(Batch batch, int batchIndex) => Evaluate(batch, "test");

    /// <inheritdoc />
    public override Tensor PredictStep(Batch batch, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Network.Forward(batch.Input).Argmax(1);                   // (B)
    }

    /// <inheritdoc />
    public override OptimizerConfig ConfigureOptimizers() => _configure(Network.Parameters());

    private void Evaluate(Batch batch, string prefix)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var logits = Network.Forward(batch.Input);
        Log(prefix + "_loss", Functional.CrossEntropy(logits, batch.Target));
        Log(prefix + "_acc", Correct(logits, batch.Target) / batch.Size);
    }

    private static double Correct(Tensor logits, Tensor target)
    {
        using (GradMode.NoGrad())
            return logits.Argmax(1).Eq(target).To(DType.Int64).Sum().Item<long>();
    }
}
