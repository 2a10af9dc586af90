namespace Tessera.Metrics;

/// <summary>Reads metric inputs out of tensors, with the checks every metric shares.</summary>
internal static class MetricInput
{
    /// <summary>The elements of <paramref name="t"/> as doubles (row-major); floating-point dtypes only.</summary>
    public static double[] Floats(Tensor t, string metric, string role)
    {
        ArgumentNullException.ThrowIfNull(t, role);
        if (!t.DType.IsFloatingPoint())
            throw new ArgumentException($"{metric}: {role} must be a floating-point tensor, got {t.DType.Name()} with shape {Format(t)}.", role);
        return t.Detach().ToDoubleArray();
    }

    /// <summary>Like <see cref="Floats"/>, and every value must be finite.</summary>
    public static double[] FiniteFloats(Tensor t, string metric, string role)
    {
        var values = Floats(t, metric, role);
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"{metric}: {role} element {i} is {values[i]}; scores must be finite.", role);
        return values;
    }

    /// <summary>The elements of an integer or bool tensor as longs (row-major).</summary>
    public static long[] Labels(Tensor t, string metric, string role)
    {
        ArgumentNullException.ThrowIfNull(t, role);
        if (!t.DType.IsInteger() && t.DType != DType.Bool)
            throw new ArgumentException($"{metric}: {role} must be an integer tensor of class ids (int64), got {t.DType.Name()} with shape {Format(t)}.", role);
        var d = t.Detach();
        return d.DType == DType.Int64 ? d.ToArray<long>() : d.To(DType.Int64).ToArray<long>();
    }

    /// <summary>Throws unless <paramref name="t"/> has rank <paramref name="rank"/>.</summary>
    public static void CheckRank(Tensor t, int rank, string metric, string role, string expected)
    {
        ArgumentNullException.ThrowIfNull(t, role);
        if (t.Rank != rank) throw new ArgumentException($"{metric}: {role} must be {expected}, got shape {Format(t)}.", role);
    }

    /// <summary>Throws unless every label is in 0..<paramref name="classes"/>-1.</summary>
    public static void CheckClasses(ReadOnlySpan<long> labels, int classes, string metric, string role)
    {
        for (int i = 0; i < labels.Length; i++)
            if ((ulong)labels[i] >= (ulong)classes)
                throw new ArgumentException($"{metric}: {role} element {i} is {labels[i]}, outside the classes 0..{classes - 1}.", role);
    }

    /// <summary>Throws unless there is one target per prediction.</summary>
    public static void CheckSameCount(long preds, long targets, string metric)
    {
        if (preds != targets)
            throw new ArgumentException($"{metric}: {preds} predictions but {targets} targets; they must match.", "target");
    }

    /// <summary>Predicted classes: the first index of each row's maximum of <paramref name="scores"/> (N, C).</summary>
    public static long[] ArgMax(ReadOnlySpan<double> scores, int n, int c)
    {
        var result = new long[n];
        for (int i = 0; i < n; i++)
        {
            var row = scores.Slice(i * c, c);
            int best = 0;
            for (int j = 1; j < c; j++) if (row[j] > row[best]) best = j;
            result[i] = best;
        }
        return result;
    }

    /// <summary>
    /// Predicted class ids from <paramref name="preds"/>: (N, C) scores (argmax, first maximum on ties) or (N) labels;
    /// checked against the (N) targets and the class count (null: not checked for labels, C for scores).
    /// </summary>
    public static (long[] Predicted, long[] Target) Classes(Tensor preds, Tensor target, int? classes, string metric)
    {
        ArgumentNullException.ThrowIfNull(preds);
        CheckRank(target, 1, metric, "target", "(N) class ids");
        var t = Labels(target, metric, "target");
        long[] p;
        if (preds.Rank == 2)
        {
            int n = preds.Size(0), c = preds.Size(1);
            if (classes is { } k && c != k)
                throw new ArgumentException($"{metric}: preds has {c} columns but the metric has {k} classes (shape {Format(preds)}).", nameof(preds));
            if (c == 0) throw new ArgumentException($"{metric}: preds has no classes (shape {Format(preds)}).", nameof(preds));
            CheckSameCount(n, t.Length, metric);
            p = ArgMax(FiniteFloats(preds, metric, "preds"), n, c);
            CheckClasses(t, c, metric, "target");
        }
        else if (preds.Rank == 1)
        {
            p = Labels(preds, metric, "preds");
            CheckSameCount(p.Length, t.Length, metric);
            if (classes is { } k)
            {
                CheckClasses(p, k, metric, "preds");
                CheckClasses(t, k, metric, "target");
            }
        }
        else throw new ArgumentException($"{metric}: preds must be (N, C) scores or (N) class ids, got shape {Format(preds)}.", nameof(preds));
        return (p, t);
    }

    public static string Format(Tensor t) => "(" + string.Join(", ", t.ShapeArray()) + ")";
}
