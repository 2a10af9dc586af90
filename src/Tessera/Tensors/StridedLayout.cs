namespace Tessera;

/// <summary>
/// A shape walked by up to three operands with their own strides, after merging dimensions that
/// are contiguous for every operand. Iteration visits "rows" of the innermost dimension so kernels
/// can run on spans.
/// </summary>
internal readonly struct StridedLayout
{
    public readonly int[] Shape;
    public readonly long[][] Strides;

    public StridedLayout(ReadOnlySpan<int> shape, params long[][] strides)
    {
        // Drop size-1 dims, then merge dim i into i+1 when every operand steps through them as one.
        var dims = new List<int>();
        var strs = new List<long[]>();
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            dims.Add(shape[i]);
            var s = new long[strides.Length];
            for (int k = 0; k < strides.Length; k++) s[k] = strides[k][i];
            strs.Add(s);
        }
        for (int i = dims.Count - 2; i >= 0; i--)
        {
            // Merged dims stay int-sized: a tensor of more than 2^31 elements keeps its rows (kernels take int lengths).
            bool mergeable = (long)dims[i] * dims[i + 1] <= int.MaxValue;
            for (int k = 0; k < strides.Length; k++)
                if (strs[i][k] != strs[i + 1][k] * dims[i + 1]) { mergeable = false; break; }
            if (!mergeable) continue;
            dims[i] *= dims[i + 1];
            strs[i] = strs[i + 1];
            dims.RemoveAt(i + 1);
            strs.RemoveAt(i + 1);
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            strs.Add(new long[strides.Length]);
        }
        Shape = dims.ToArray();
        Strides = new long[strides.Length][];
        for (int k = 0; k < strides.Length; k++)
        {
            Strides[k] = new long[Shape.Length];
            for (int i = 0; i < Shape.Length; i++) Strides[k][i] = strs[i][k];
        }
    }

    public int Rank => Shape.Length;
    public int InnerSize => Shape[^1];
    public long InnerStride(int operand) => Strides[operand][^1];

    /// <summary>The innermost stride as the int the span kernels take; valid after <see cref="CheckRowReach"/>.</summary>
    public int InnerStrideInt(int operand) => checked((int)Strides[operand][^1]);

    /// <summary>Number of rows (product of all dims but the innermost).</summary>
    public int Rows
    {
        get
        {
            long r = 1;
            for (int i = 0; i < Shape.Length - 1; i++) r *= Shape[i];
            if (r > int.MaxValue)
                throw new InvalidOperationException($"A strided walk over shape {ShapeUtil.Format(Shape)} has {r} rows, more than {int.MaxValue}; make the tensor contiguous first.");
            return (int)r;
        }
    }

    /// <summary>
    /// Throws unless every operand's innermost row spans less than 2^31 elements: the kernels step through a row with
    /// int index * stride (a strided row over a huge storage, such as one column of a 2049 x 2^20 matrix, would not).
    /// </summary>
    public void CheckRowReach(string op)
    {
        long inner = InnerSize;
        foreach (long[] s in Strides)
            if (s[^1] > int.MaxValue || s[^1] < -int.MaxValue || inner * Math.Abs(s[^1]) > int.MaxValue)
                throw new InvalidOperationException($"{op}: a strided row of {inner} elements with stride {s[^1]} reaches past 2^31 elements; make the operand contiguous first.");
    }

    /// <summary>Element offset of row <paramref name="row"/> for operand <paramref name="operand"/>.</summary>
    public long RowOffset(int operand, int row)
    {
        long[] s = Strides[operand];
        long off = 0;
        for (int i = Shape.Length - 2; i >= 0; i--)
        {
            int d = Shape[i];
            off += (row % d) * s[i];
            row /= d;
        }
        return off;
    }
}
