namespace Tessera.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba) as PyTorch 1.13's <c>torch.optim.Adam</c>: weight decay is an L2 term added to the gradient.
/// Options: "lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize".
/// State: step count, "exp_avg", "exp_avg_sq" and (amsgrad) "max_exp_avg_sq".
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>Adam over one group of <paramref name="parameters"/>.</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize))
    {
    }

    /// <summary>Adam over several groups; options a group leaves unset come from the arguments.</summary>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(groups, MakeDefaults(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize))
    {
    }

    private static Dictionary<string, double> MakeDefaults(double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool maximize) => new()
    {
        ["lr"] = lr, ["beta1"] = beta1, ["beta2"] = beta2, ["eps"] = eps, ["weight_decay"] = weightDecay,
        ["amsgrad"] = amsgrad ? 1 : 0, ["maximize"] = maximize ? 1 : 0,
    };

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group)
    {
        Require(group.Lr >= 0, "learning rate", group.Lr);
        Require(group.Get("eps") >= 0, "epsilon value", group.Get("eps"));
        Require(group.Get("beta1") is >= 0 and < 1, "beta parameter at index 0", group.Get("beta1"));
        Require(group.Get("beta2") is >= 0 and < 1, "beta parameter at index 1", group.Get("beta2"));
        Require(group.WeightDecay >= 0, "weight_decay value", group.WeightDecay);
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state) =>
        AdamCore.Update(group, param, grad, state, decoupled: false);
}
