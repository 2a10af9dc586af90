namespace Tessera.Metrics;

/// <summary>Per-class true positives, predicted counts and support, shared by precision, recall and F1.</summary>
internal sealed class ClassCounts
{
    public ClassCounts(int classes, string metric)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, $"{metric} needs at least 1 class, got {classes}.");
        Classes = classes;
        Metric = metric;
        TruePositives = new long[classes];
        PredictedCount = new long[classes];
        Support = new long[classes];
    }

    public int Classes { get; }
    public string Metric { get; }
    public long[] TruePositives { get; }
    public long[] PredictedCount { get; }
    public long[] Support { get; }
    public long Total { get; private set; }

    public void Update(Tensor preds, Tensor target)
    {
        var (p, t) = MetricInput.Classes(preds, target, Classes, Metric);
        Add(p, t);
    }

    public void Add(ReadOnlySpan<long> predicted, ReadOnlySpan<long> target)
    {
        MetricInput.CheckSameCount(predicted.Length, target.Length, Metric);
        MetricInput.CheckClasses(predicted, Classes, Metric, "preds");
        MetricInput.CheckClasses(target, Classes, Metric, "target");
        for (int i = 0; i < predicted.Length; i++)
        {
            PredictedCount[predicted[i]]++;
            Support[target[i]]++;
            if (predicted[i] == target[i]) TruePositives[target[i]]++;
        }
        Total += predicted.Length;
    }

    public void Reset()
    {
        Array.Clear(TruePositives);
        Array.Clear(PredictedCount);
        Array.Clear(Support);
        Total = 0;
    }

    public void CheckNotEmpty()
    {
        if (Total == 0) throw new InvalidOperationException($"{Metric}: Compute() before any example was added with Update().");
    }

    /// <summary>Precision, recall or F1 of each class (0 where undefined, as scikit-learn's zero_division=0).</summary>
    public double[] PerClass(Func<long, long, long, double> score)
    {
        var result = new double[Classes];
        for (int c = 0; c < Classes; c++) result[c] = score(TruePositives[c], PredictedCount[c], Support[c]);
        return result;
    }

    /// <summary>The score reduced by <paramref name="average"/>; micro scores the summed counts.</summary>
    public double Reduce(Average average, Func<long, long, long, double> score)
    {
        CheckNotEmpty();
        switch (average)
        {
            case Average.Micro:
                return score(TruePositives.Sum(), PredictedCount.Sum(), Support.Sum());
            case Average.Macro:
                return PerClass(score).Average();
            case Average.Weighted:
            {
                var perClass = PerClass(score);
                double num = 0, den = 0;
                for (int c = 0; c < Classes; c++)
                {
                    num += perClass[c] * Support[c];
                    den += Support[c];
                }
                return den == 0 ? 0 : num / den;
            }
            case Average.None:
                throw new InvalidOperationException($"{Metric} with Average.None has one value per class; call ComputePerClass().");
            default:
                throw new ArgumentOutOfRangeException(nameof(average), average, $"Unknown average {average}.");
        }
    }

    public static double Precision(long tp, long predicted, long support) => predicted == 0 ? 0 : (double)tp / predicted;

    public static double Recall(long tp, long predicted, long support) => support == 0 ? 0 : (double)tp / support;

    public static double F1(long tp, long predicted, long support)
    {
        double p = Precision(tp, predicted, support), r = Recall(tp, predicted, support);
        double denom = p + r;
        return denom == 0 ? 0 : 2 * p * r / denom;
    }

    public static string Suffix(Average average) => average switch
    {
        Average.Macro => "macro",
        Average.Micro => "micro",
        Average.Weighted => "weighted",
        Average.None => "per_class",
        _ => throw new ArgumentOutOfRangeException(nameof(average), average, $"Unknown average {average}."),
    };
}
