using Tessera.Data;
using Tessera.Nn;

namespace Tessera.Training;

/// <summary>
/// A <see cref="TrainingModule"/> for a regression <see cref="Module{TIn, TOut}"/>: mean squared error between its
/// output and the targets (same shape), logged as "train_loss" (by the trainer), "val_loss" and "test_loss".
/// Predictions are the outputs. Its <see cref="Model"/> is the wrapped network.
/// </summary>
public sealed class RegressionModule : TrainingModule
{
    private readonly Func<IEnumerable<Tensor>, OptimizerConfig> _configure;
    private readonly Dictionary<string, string> _hparams;

    /// <summary>Wraps <paramref name="network"/>; <paramref name="configureOptimizers"/> builds the optimizers over its parameters.</summary>
    public RegressionModule(Module<Tensor, Tensor> network, Func<IEnumerable<Tensor>, OptimizerConfig> configureOptimizers,
        IReadOnlyDictionary<string, string>? hyperparameters = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(configureOptimizers);
        Network = network;
        _configure = configureOptimizers;
        _hparams = hyperparameters is null ? new(StringComparer.Ordinal) : new(hyperparameters, StringComparer.Ordinal);
    }

    /// <summary>The wrapped network.</summary>
    public Module<Tensor, Tensor> Network { get; }

    /// <inheritdoc />
    public override Module Model => Network;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Hyperparameters => _hparams;

    /// <inheritdoc />
    public override Tensor TrainingStep(Batch batch, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Functional.MseLoss(Network.Forward(batch.Input), batch.Target);
    }

    /// <inheritdoc />
    public override void ValidationStep(Batch batch, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Log("val_loss", Functional.MseLoss(Network.Forward(batch.Input), batch.Target));
    }

    /// <inheritdoc />
    public override void TestStep(Batch batch, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Log("test_loss", Functional.MseLoss(Network.Forward(batch.Input), batch.Target));
    }

    /// <inheritdoc />
    public override Tensor PredictStep(Batch batch, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Network.Forward(batch.Input);
    }

    /// <inheritdoc />
    public override OptimizerConfig ConfigureOptimizers() => _configure(Network.Parameters());
}
