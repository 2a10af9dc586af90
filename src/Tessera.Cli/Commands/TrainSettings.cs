using System.Globalization;
using Tessera.Training;

namespace Tessera.Cli.Commands;

/// <summary>
/// The settings that define a <c>tessera train</c> run of mlp or lenet. They are stored in the checkpoint's
/// hyper-parameters, and <c>--resume</c> takes them from there (a flag that disagrees is an error).
/// </summary>
/// <param name="Model">mlp or lenet.</param>
/// <param name="Optimizer">sgd, adam, adamw or rmsprop.</param>
/// <param name="Lr">Initial learning rate.</param>
/// <param name="Momentum">Momentum (sgd, rmsprop).</param>
/// <param name="WeightDecay">Weight decay.</param>
/// <param name="L1">L1 penalty coefficient.</param>
/// <param name="Scheduler">none, step, cosine or plateau.</param>
/// <param name="Seed">Seed of initialization and shuffling.</param>
/// <param name="BatchSize">Examples per batch.</param>
/// <param name="Epochs">The epoch count the run trains to (raised by a resume with --epochs).</param>
/// <param name="CosineTMax">The cosine schedule's length: the epochs planned when the run started.</param>
/// <param name="AccumulateGradBatches">Batches per optimizer step.</param>
/// <param name="ClipGradNorm">Largest total gradient norm (0: no clipping).</param>
/// <param name="ValSplit">Fraction of the training split held out for validation (0: validate on the test split).</param>
internal sealed record TrainSettings(string Model, string Optimizer, double Lr, double Momentum, double WeightDecay, double L1,
    string Scheduler, ulong Seed, int BatchSize, int Epochs, int CosineTMax, int AccumulateGradBatches, double ClipGradNorm, double ValSplit)
{
    /// <summary>As hyper-parameters (invariant culture, round-trip doubles).</summary>
    public Dictionary<string, string> ToHyperparameters() => new(StringComparer.Ordinal)
    {
        ["model"] = Model,
        ["optimizer"] = Optimizer,
        ["lr"] = F(Lr),
        ["momentum"] = F(Momentum),
        ["weight_decay"] = F(WeightDecay),
        ["l1"] = F(L1),
        ["scheduler"] = Scheduler,
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["batch_size"] = BatchSize.ToString(CultureInfo.InvariantCulture),
        ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
        ["cosine_t_max"] = CosineTMax.ToString(CultureInfo.InvariantCulture),
        ["accumulate_grad_batches"] = AccumulateGradBatches.ToString(CultureInfo.InvariantCulture),
        ["clip_grad_norm"] = F(ClipGradNorm),
        ["val_split"] = F(ValSplit),
    };

    /// <summary>The settings saved in <paramref name="checkpoint"/>.</summary>
    /// <exception cref="FormatException">When one is missing or malformed (naming it).</exception>
    public static TrainSettings FromCheckpoint(Checkpoint checkpoint, string path)
    {
        var h = checkpoint.Hyperparameters;
        string S(string key) => h.TryGetValue(key, out var v) && v.Length > 0 ? v
            : throw new FormatException($"checkpoint '{path}' has no \"{key}\" hyper-parameter, so its run cannot be resumed (was it written by tessera train?).");
        T P<T>(string key, Func<string, T> parse, Func<T, bool> ok)
        {
            string v = S(key);
            T value;
            try { value = parse(v); }
            catch (Exception e) when (e is FormatException or OverflowException) { throw Bad(key, v); }
            return ok(value) ? value : throw Bad(key, v);
        }
        FormatException Bad(string key, string v) => new($"checkpoint '{path}' has a malformed \"{key}\" hyper-parameter '{v}'.");
        var inv = CultureInfo.InvariantCulture;
        string model = P("model", v => v, v => v is "mlp" or "lenet");
        string optimizer = P("optimizer", v => v, v => v is "sgd" or "adam" or "adamw" or "rmsprop");
        string scheduler = P("scheduler", v => v, v => v is "none" or "step" or "cosine" or "plateau");
        return new TrainSettings(model, optimizer,
            P("lr", v => double.Parse(v, NumberStyles.Float, inv), v => double.IsFinite(v) && v > 0),
            P("momentum", v => double.Parse(v, NumberStyles.Float, inv), v => double.IsFinite(v) && v >= 0),
            P("weight_decay", v => double.Parse(v, NumberStyles.Float, inv), v => double.IsFinite(v) && v >= 0),
            P("l1", v => double.Parse(v, NumberStyles.Float, inv), v => double.IsFinite(v) && v >= 0),
            scheduler,
            P("seed", v => ulong.Parse(v, NumberStyles.None, inv), _ => true),
            P("batch_size", v => int.Parse(v, NumberStyles.None, inv), v => v >= 1),
            P("epochs", v => int.Parse(v, NumberStyles.None, inv), v => v >= 1),
            P("cosine_t_max", v => int.Parse(v, NumberStyles.None, inv), v => v >= 1),
            P("accumulate_grad_batches", v => int.Parse(v, NumberStyles.None, inv), v => v >= 1),
            P("clip_grad_norm", v => double.Parse(v, NumberStyles.Float, inv), v => double.IsFinite(v) && v >= 0),
            P("val_split", v => double.Parse(v, NumberStyles.Float, inv), v => v >= 0 && v < 1));
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
