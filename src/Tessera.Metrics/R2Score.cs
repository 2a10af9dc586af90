namespace Tessera.Metrics;

/// <summary>
/// Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², per output column and averaged uniformly
/// (scikit-learn's <c>r2_score</c> with its defaults). A constant target scores 1 when predicted exactly and
/// 0 otherwise, as scikit-learn's <c>force_finite=True</c>; fewer than two examples give NaN.
/// </summary>
/// <remarks>The target's spread is accumulated with Welford's update (a running mean and sum of squared
/// deviations), which keeps its digits when the mean is large next to the spread.</remarks>
public sealed class R2Score : IScalarMetric
{
    private long _count;
    private double[] _mean = [];
    private double[] _m2 = [];
    private double[] _residual = [];

    /// <inheritdoc />
    public string Name => "r2";

    /// <summary>Output columns (D), fixed by the first update; 0 before it.</summary>
    public int Outputs => _mean.Length;

    /// <summary>Examples (rows) seen.</summary>
    public long Count => _count;

    /// <summary>Adds a batch: <paramref name="preds"/> and <paramref name="target"/> both (N) or both (N, D).</summary>
    public void Update(Tensor preds, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(preds);
        if (preds.Rank is not (1 or 2))
            throw new ArgumentException($"R2Score: preds must be (N) or (N, D), got shape {MetricInput.Format(preds)}.", nameof(preds));
        var (p, t) = RegressionInput.Read(preds, target, nameof(R2Score));
        Update(p, t, preds.Rank == 1 ? 1 : preds.Size(1));
    }

    /// <summary>Adds a batch of row-major (N, <paramref name="outputs"/>) predictions and targets.</summary>
    /// <exception cref="ArgumentException">When the lengths are not N rows of <paramref name="outputs"/>, or the column count changes between updates.</exception>
    public void Update(ReadOnlySpan<double> preds, ReadOnlySpan<double> target, int outputs = 1)
    {
        RegressionInput.Check(preds, target, nameof(R2Score));
        if (outputs < 1 || preds.Length % outputs != 0)
            throw new ArgumentException($"R2Score: {preds.Length} values do not form rows of {outputs} outputs.", nameof(outputs));
        if (_mean.Length == 0)
        {
            _mean = new double[outputs];
            _m2 = new double[outputs];
            _residual = new double[outputs];
        }
        else if (_mean.Length != outputs)
            throw new ArgumentException($"R2Score: this batch has {outputs} outputs, earlier batches had {_mean.Length}.", nameof(outputs));
        int rows = preds.Length / outputs;
        for (int r = 0; r < rows; r++)
        {
            _count++;
            for (int j = 0; j < outputs; j++)
            {
                double y = target[r * outputs + j], e = y - preds[r * outputs + j];
                double delta = y - _mean[j];
                _mean[j] += delta / _count;
                _m2[j] += delta * (y - _mean[j]);
                _residual[j] += e * e;
            }
        }
    }

    /// <inheritdoc />
    public void Reset()
    {
        _count = 0;
        _mean = [];
        _m2 = [];
        _residual = [];
    }

    /// <summary>R² averaged uniformly over the output columns.</summary>
    /// <exception cref="InvalidOperationException">Before any update.</exception>
    public double Compute() => ComputePerOutput().Average();

    /// <summary>R² of each output column, (D) (scikit-learn's <c>multioutput="raw_values"</c>).</summary>
    /// <exception cref="InvalidOperationException">Before any update.</exception>
    public double[] ComputePerOutput()
    {
        if (_count == 0) throw new InvalidOperationException("R2Score: Compute() before any example was added with Update().");
        var result = new double[_mean.Length];
        for (int j = 0; j < result.Length; j++)
        {
            if (_count < 2) result[j] = double.NaN;
            else if (_m2[j] == 0) result[j] = _residual[j] == 0 ? 1 : 0;
            else result[j] = 1 - _residual[j] / _m2[j];
        }
        return result;
    }
}
