namespace Tessera.Metrics;

/// <summary>
/// Mean squared error: mean of (pred − target)² over every element (scikit-learn's <c>mean_squared_error</c>, which for (N, D) outputs averages the D columns
/// uniformly: the same mean, since every column has N elements).
/// </summary>
public sealed class MeanSquaredError : IScalarMetric
{
    private double _sum;
    private long _count;

    /// <inheritdoc />
    public string Name => "mse";

    /// <summary>Elements seen.</summary>
    public long Count => _count;

    /// <summary>Adds a batch: <paramref name="preds"/> and <paramref name="target"/> of the same shape, e.g. (N) or (N, D).</summary>
    public void Update(Tensor preds, Tensor target)
    {
        var (p, t) = RegressionInput.Read(preds, target, nameof(MeanSquaredError));
        Update(p, t);
    }

    /// <summary>Adds a batch of predictions and targets.</summary>
    public void Update(ReadOnlySpan<double> preds, ReadOnlySpan<double> target)
    {
        RegressionInput.Check(preds, target, nameof(MeanSquaredError));
        for (int i = 0; i < preds.Length; i++)
        {
            double d = preds[i] - target[i];
            _sum += d * d;
        }
        _count += preds.Length;
    }

    /// <inheritdoc />
    public void Reset() => (_sum, _count) = (0, 0);

    /// <summary>The mean over all elements seen.</summary>
    /// <exception cref="InvalidOperationException">Before any update.</exception>
    public double Compute()
    {
        if (_count == 0) throw new InvalidOperationException("MeanSquaredError: Compute() before any example was added with Update().");
        return _sum / _count;
    }
}
