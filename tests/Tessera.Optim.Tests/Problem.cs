using System.Text.Json;

namespace Tessera.Optim.Tests;

/// <summary>The fixed 2-layer regression net of the fixtures: loss = mean((tanh(X w1ᵀ + b1) w2ᵀ + b2 − Y)²).</summary>
internal sealed class Problem
{
    private readonly Tensor _x, _y;

    public Problem()
    {
        var p = OptimFixture.Root.GetProperty("problem");
        _x = OptimFixture.Tensor64(p.GetProperty("X"));
        _y = OptimFixture.Tensor64(p.GetProperty("Y"));
        Initial = p.GetProperty("params").EnumerateArray().Select(e => OptimFixture.Tensor64(e)).ToArray();
    }

    public Tensor[] Initial { get; }

    /// <summary>Fresh float64 leaves equal to the initial parameters.</summary>
    public Tensor[] NewParams() => Initial.Select(t => t.Clone().RequiresGrad_()).ToArray();

    public Tensor Loss(Tensor[] ps)
    {
        var h = _x.Matmul(ps[0].Transpose(0, 1)).Add(ps[1]).Tanh();
        var output = h.Matmul(ps[2].Transpose(0, 1)).Add(ps[3]);
        return Functional.MseLoss(output, _y);
    }

    /// <summary>zero_grad / forward / backward / step, <paramref name="steps"/> times.</summary>
    public void Train(Optimizer opt, Tensor[] ps, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            Loss(ps).Backward();
            opt.Step();
        }
    }

    /// <summary>Builds the optimizer a fixture case describes (PyTorch keyword names).</summary>
    public static Optimizer Build(JsonElement c, Tensor[] ps)
    {
        string kind = c.GetProperty("optimizer").GetString()!;
        var o = c.GetProperty("options");
        double D(string k, double d) => o.TryGetProperty(k, out var v) ? v.GetDouble() : d;
        bool B(string k) => o.TryGetProperty(k, out var v) && v.GetBoolean();
        double Beta(int i, double d) => o.TryGetProperty("betas", out var v) ? v[i].GetDouble() : d;

        var g = c.GetProperty("groups");
        List<ParamGroup>? groups = null;
        if (g.ValueKind == JsonValueKind.Array)
        {
            groups = [];
            foreach (var ge in g.EnumerateArray())
            {
                var group = new ParamGroup(OptimFixture.Ints(ge.GetProperty("params")).Select(i => ps[i]));
                foreach (var opt in ge.GetProperty("options").EnumerateObject()) group.Set(opt.Name, opt.Value.GetDouble());
                groups.Add(group);
            }
        }
        return kind switch
        {
            "sgd" => groups is null
                ? new Sgd(ps, D("lr", 0), D("momentum", 0), D("dampening", 0), D("weight_decay", 0), B("nesterov"), B("maximize"))
                : new Sgd(groups, D("lr", 0), D("momentum", 0), D("dampening", 0), D("weight_decay", 0), B("nesterov"), B("maximize")),
            "adam" => new Adam(ps, D("lr", 1e-3), Beta(0, 0.9), Beta(1, 0.999), D("eps", 1e-8), D("weight_decay", 0), B("amsgrad"), B("maximize")),
            "adamw" => new AdamW(ps, D("lr", 1e-3), Beta(0, 0.9), Beta(1, 0.999), D("eps", 1e-8), D("weight_decay", 0.01), B("amsgrad"), B("maximize")),
            "rmsprop" => new RmsProp(ps, D("lr", 1e-2), D("alpha", 0.99), D("eps", 1e-8), D("weight_decay", 0), D("momentum", 0), B("centered"), B("maximize")),
            "adagrad" => new Adagrad(ps, D("lr", 1e-2), D("lr_decay", 0), D("weight_decay", 0), D("initial_accumulator_value", 0), D("eps", 1e-10), B("maximize")),
            _ => throw new ArgumentException(kind),
        };
    }
}
