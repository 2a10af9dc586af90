using Tessera.Models;
using Tessera.Nn;
using Tessera.Optim;
using Tessera.Optim.Schedulers;

namespace Tessera.Training;

/// <summary>Builds the models, optimizers and schedulers named on the command line.</summary>
public static class ModelFactory
{
    /// <summary>"mlp" or "lenet" for Fashion-MNIST (10 classes).</summary>
    /// <exception cref="ArgumentException">For another name.</exception>
    public static Module<Tensor, Tensor> CreateClassifier(string name, Generator? generator = null) => name switch
    {
        "mlp" => new Mlp(generator: generator),
        "lenet" => new LeNet5(generator: generator),
        _ => throw new ArgumentException($"Unknown model '{name}'; expected mlp or lenet.", nameof(name)),
    };

    /// <summary>sgd, adam, adamw or rmsprop over <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">For another name.</exception>
    public static Optimizer CreateOptimizer(string name, IEnumerable<Tensor> parameters, double lr, double momentum, double weightDecay) => name switch
    {
        "sgd" => new Sgd(parameters, lr, momentum: momentum, weightDecay: weightDecay),
        "adam" => new Adam(parameters, lr, weightDecay: weightDecay),
        "adamw" => new AdamW(parameters, lr, weightDecay: weightDecay),
        "rmsprop" => new RmsProp(parameters, lr, weightDecay: weightDecay, momentum: momentum),
        _ => throw new ArgumentException($"Unknown optimizer '{name}'; expected sgd, adam, adamw or rmsprop.", nameof(name)),
    };
}
