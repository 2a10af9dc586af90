using Tensorboard;

namespace Tessera.Training.TensorBoard;

/// <summary>
/// Builds a TensorBoard <see cref="HistogramProto"/> the way PyTorch's and tensorboardX's <c>add_histogram</c> do
/// by default: TensorFlow's exponential bucket edges (±1e-12·1.1^k up to 1e20, and 0), numpy-histogram counting
/// (bucket i holds edge[i] ≤ v &lt; edge[i+1], the last one also holds v = its right edge), then trimmed to the
/// buckets that hold values plus one empty bucket on the left, because a HistogramProto stores right edges only.
/// </summary>
internal static class HistogramBuilder
{
    /// <summary>The default edges, ascending: −1e20…−1e-12, 0, 1e-12…1e20 (1,549 edges).</summary>
    public static readonly double[] DefaultEdges = MakeDefaultEdges();

    private static double[] MakeDefaultEdges()
    {
        var positive = new List<double>();
        // Repeated multiplication (not 1.1^k) so the edges are the same doubles Python computes.
        for (double v = 1e-12; v < 1e20; v *= 1.1) positive.Add(v);
        var edges = new double[2 * positive.Count + 1];
        for (int i = 0; i < positive.Count; i++)
        {
            edges[positive.Count - 1 - i] = -positive[i];
            edges[positive.Count + 1 + i] = positive[i];
        }
        edges[positive.Count] = 0;
        return edges;
    }

    /// <summary>The histogram of <paramref name="values"/>; all must be finite and there must be at least one.</summary>
    /// <exception cref="ArgumentException">No values, or a NaN or infinite value (named by index).</exception>
    public static HistogramProto Build(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) throw new ArgumentException("A histogram needs at least one value; got none.", nameof(values));
        var edges = DefaultEdges;
        var counts = new long[edges.Length - 1];
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSquares = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
                throw new ArgumentException($"Histogram values must be finite; value {i} is {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(values));
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
            sumSquares += v * v;
            int bucket = Bucket(edges, v);
            if (bucket >= 0) counts[bucket]++;
        }

        // The support: first and last non-empty buckets (every value may lie beyond ±1e20, leaving none).
        int first = Array.FindIndex(counts, c => c > 0), last = Array.FindLastIndex(counts, c => c > 0);
        var proto = new HistogramProto { Min = min, Max = max, Num = values.Length, Sum = sum, SumSquares = sumSquares };
        if (first < 0)
            throw new ArgumentException(
                $"Every histogram value lies beyond the outermost bucket edges ±1e20 (min {min.ToString(System.Globalization.CultureInfo.InvariantCulture)}, max {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}).",
                nameof(values));
        // Right edges first-1 .. last+1 (edge index), counts of buckets first-1 .. last; before bucket 0 an empty
        // bucket ending at edge 0 stands in.
        for (int b = first - 1; b <= last; b++)
        {
            proto.BucketLimit.Add(edges[b + 1]);
            proto.Bucket.Add(b >= 0 ? counts[b] : 0);
        }
        return proto;
    }

    // numpy.histogram's rule for explicit edges: [e_i, e_i+1) except the last bucket, which is closed; -1 outside.
    private static int Bucket(double[] edges, double v)
    {
        if (v < edges[0] || v > edges[^1]) return -1;
        if (v == edges[^1]) return edges.Length - 2;
        int lo = 0, hi = edges.Length - 1;   // edges[lo] <= v < edges[hi]
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= v) lo = mid; else hi = mid;
        }
        return lo;
    }
}
