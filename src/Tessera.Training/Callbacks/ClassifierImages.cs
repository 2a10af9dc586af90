using System.Globalization;
using System.Text;
using Tessera.Nn;
using Tessera.Training.Loggers;
using Tessera.Training.TensorBoard;

namespace Tessera.Training.Callbacks;

/// <summary>
/// At the end of every training epoch, logs to a <see cref="TensorBoardLogger"/> what a classifier does on a fixed set
/// of labelled examples: the confusion matrix as an image (<c>confusion_matrix</c>, rows = true class), a grid of the
/// first <see cref="Samples"/> inputs (<c>samples</c>) and their true and predicted classes as a text table
/// (<c>predictions</c>). Inputs are images (N, C, H, W) or (N, H, W); each is min-max scaled for display.
/// </summary>
public sealed class ClassifierImages : Callback
{
    private readonly TensorBoardLogger _logger;
    private readonly Module<Tensor, Tensor> _network;
    private readonly Tensor _inputs, _targets;
    private readonly IReadOnlyList<string> _classes;

    /// <summary>Evaluates <paramref name="network"/> on <paramref name="inputs"/> (N, ...) with labels <paramref name="targets"/> (N).</summary>
    public ClassifierImages(TensorBoardLogger logger, Module<Tensor, Tensor> network, Tensor inputs, Tensor targets, IReadOnlyList<string> classes, int samples = 16)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(classes);
        if (inputs.Rank < 3 || inputs.Size(0) != targets.Numel)
            throw new ArgumentException($"ClassifierImages needs images (N, H, W) or (N, C, H, W) and N labels; got inputs {ShapeText(inputs)} and targets {ShapeText(targets)}.");
        if (samples < 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, $"samples must be at least 0, got {samples}.");
        _logger = logger;
        _network = network;
        _inputs = inputs;
        _targets = targets.To(DType.Int64);
        _classes = classes;
        Samples = Math.Min(samples, inputs.Size(0));
    }

    /// <summary>Examples shown in the <c>samples</c> grid and the <c>predictions</c> table.</summary>
    public int Samples { get; }

    /// <inheritdoc/>
    public override void OnTrainEpochEnd(Trainer trainer, TrainingModule module)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        long step = trainer.GlobalStep;
        int n = _inputs.Size(0), c = _classes.Count;
        var predicted = new long[n];
        bool wasTraining = _network.Training;
        _network.Eval();
        using (GradMode.NoGrad())
            for (int i = 0; i < n; i += 1000)
            {
                using var scope = TensorScope.Begin();
                int m = Math.Min(1000, n - i);
                _network.Forward(_inputs.Narrow(0, i, m)).Argmax(1).ToArray<long>().CopyTo(predicted, i);   // (m)
            }
        _network.Train(wasTraining);
        long[] truth = _targets.ToArray<long>();
        var confusion = new long[c, c];
        for (int i = 0; i < n; i++)
            if ((ulong)truth[i] < (ulong)c && (ulong)predicted[i] < (ulong)c) confusion[truth[i], predicted[i]]++;
        _logger.Writer.AddImage("confusion_matrix", ConfusionMatrixImage.Render(confusion), step);
        if (Samples == 0) return;

        var images = new List<PixelImage>(Samples);
        var table = new StringBuilder("| # | true | predicted |\n|---|---|---|\n");
        for (int i = 0; i < Samples; i++)
        {
            var x = _inputs.Select(0, i).Detach().To(DType.Float32);   // (C, H, W) or (H, W)
            float lo = x.Min().Item<float>(), hi = x.Max().Item<float>();
            images.Add(PixelImage.FromTensor(hi > lo ? x.Sub(lo).Div(hi - lo) : x.Mul(0)));
            table.Append(CultureInfo.InvariantCulture, $"| {i} | {Name(truth[i])} | {Name(predicted[i])}{(truth[i] == predicted[i] ? "" : " ✗")} |\n");
        }
        _logger.Writer.AddImage("samples", PixelImage.Grid(images, columns: 8), step);
        _logger.Writer.AddText("predictions", table.ToString(), step);
    }

    private string Name(long k) => (ulong)k < (ulong)_classes.Count ? _classes[(int)k] : k.ToString(CultureInfo.InvariantCulture);

    private static string ShapeText(Tensor t) => "(" + string.Join(", ", t.ShapeArray()) + ")";
}
