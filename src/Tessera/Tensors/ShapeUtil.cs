using System.Text;

namespace Tessera;

/// <summary>Shape, stride and dimension arithmetic shared by all ops.</summary>
internal static class ShapeUtil
{
    /// <summary>Element count of <paramref name="shape"/>, in 64 bits.</summary>
    /// <exception cref="ArgumentException">When the count overflows a long.</exception>
    public static long Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d == 0) return 0;
            // Below 2^32 times a dim below 2^31 cannot overflow: the division runs only for already huge counts.
            if (n >= 1L << 32 && d > 0 && n > long.MaxValue / d)
                throw new ArgumentException($"Shape {Format(shape)} has more elements than a 64-bit count can hold.");
            n *= d;
        }
        return n;
    }

    /// <summary>Element count of <paramref name="shape"/> where a caller needs an int (an array or span length).</summary>
    /// <exception cref="ArgumentException">When the count exceeds <see cref="int.MaxValue"/>; <paramref name="what"/> names the use.</exception>
    public static int NumelInt(ReadOnlySpan<int> shape, string what)
    {
        long n = Numel(shape);
        if (n > int.MaxValue) throw new ArgumentException($"{what}: shape {Format(shape)} has {n} elements, more than {int.MaxValue}.");
        return (int)n;
    }

    /// <summary>
    /// Checks a shape for a new tensor of <paramref name="elementSize"/>-byte elements: no negative dimension, an
    /// element count that fits a long and a byte size that one allocation can hold.
    /// </summary>
    public static void Validate(ReadOnlySpan<int> shape, int elementSize = 1)
    {
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"Shape {Format(shape)} has a negative dimension {d}.");
        long n = Numel(shape);
        if (n > MaxAllocationBytes / 8 && n > MaxAllocationBytes / elementSize)   // the first test is a constant
            throw new ArgumentException($"Shape {Format(shape)} has {n} elements of {elementSize} bytes, more than one allocation can hold ({MaxAllocationBytes} bytes).");
    }

    /// <summary>The largest byte size a storage may have (what a 64-bit address space can plausibly map: 2^56).</summary>
    public const long MaxAllocationBytes = 1L << 56;

    /// <summary>Row-major strides of <paramref name="shape"/> (64-bit, like counts and offsets).</summary>
    public static long[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    public static bool IsContiguous(ReadOnlySpan<int> shape, ReadOnlySpan<long> strides)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 0) return true;
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    public static int NormalizeDim(int dim, int rank)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"Dimension {dim} is out of range for a tensor of rank {rank} (expected [{-r}, {r - 1}]).");
        return dim < 0 ? dim + r : dim;
    }

    /// <summary>Normalised, sorted, duplicate-free dims; all dims when <paramref name="dims"/> is null or empty.</summary>
    public static int[] NormalizeDims(int[]? dims, int rank)
    {
        if (dims is null || dims.Length == 0)
        {
            var all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        var result = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++) result[i] = NormalizeDim(dims[i], rank);
        Array.Sort(result);
        for (int i = 1; i < result.Length; i++)
            if (result[i] == result[i - 1]) throw new ArgumentException($"Dimension {result[i]} appears more than once in [{string.Join(", ", dims)}].");
        return result;
    }

    public static int[] BroadcastShapes(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"Shapes {Format(a)} and {Format(b)} cannot be broadcast together (dimension {i}: {da} vs {db}).");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Strides that read a tensor of <paramref name="shape"/>/<paramref name="strides"/> as if it had <paramref name="target"/> shape (0 on broadcast dims).</summary>
    public static long[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<long> strides, ReadOnlySpan<int> target)
    {
        var result = new long[target.Length];
        int lead = target.Length - shape.Length;
        if (lead < 0) throw new ArgumentException($"Cannot broadcast shape {Format(shape)} to {Format(target)}.");
        for (int i = 0; i < target.Length; i++)
        {
            if (i < lead) { result[i] = 0; continue; }
            int d = shape[i - lead];
            if (d == target[i]) result[i] = d == 1 ? 0 : strides[i - lead];
            else if (d == 1) result[i] = 0;
            else throw new ArgumentException($"Cannot broadcast shape {Format(shape)} to {Format(target)} (dimension {i}: {d} vs {target[i]}).");
        }
        return result;
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    public static string Format(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]);
        }
        return sb.Append(']').ToString();
    }

    /// <summary>Resolves a single -1 entry of a requested shape against <paramref name="numel"/>.</summary>
    public static int[] InferShape(int[] shape, long numel)
    {
        var result = shape.AsSpan().ToArray();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"Shape {Format(shape)} has more than one -1.");
                infer = i;
            }
            else if (result[i] < 0) throw new ArgumentException($"Shape {Format(shape)} has a negative dimension {result[i]}.");
            else if (result[i] != 0 && known > long.MaxValue / result[i])
                throw new ArgumentException($"Shape {Format(shape)} is invalid for a tensor of {numel} elements.");
            else known *= result[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0 || numel / known > int.MaxValue)
                throw new ArgumentException($"Shape {Format(shape)} is invalid for a tensor of {numel} elements.");
            result[infer] = (int)(numel / known);
        }
        else if (known != numel)
            throw new ArgumentException($"Shape {Format(shape)} is invalid for a tensor of {numel} elements.");
        return result;
    }
}
