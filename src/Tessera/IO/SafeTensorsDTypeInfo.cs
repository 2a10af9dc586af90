using System.Diagnostics.CodeAnalysis;

namespace Tessera.IO;

/// <summary>Sizes and on-disk names of <see cref="SafeTensorsDType"/> values.</summary>
public static class SafeTensorsDTypeInfo
{
    // Indexed by the enum value; kept in declaration order.
    private static readonly string[] Names =
    [
        "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
        "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64",
        "F64", "I64", "U64",
    ];

    private static readonly int[] Bits =
    [
        8, 4, 6, 6, 8, 8, 8, 8, 8,
        8, 8, 16, 16, 16, 16, 32, 32, 32, 64,
        64, 64, 64,
    ];

    /// <summary>All defined dtypes, in declaration (increasing alignment) order.</summary>
    public static IReadOnlyList<SafeTensorsDType> All { get; } = Enum.GetValues<SafeTensorsDType>();

    /// <summary>Size of one element in bits (4 for <see cref="SafeTensorsDType.F4"/>, 6 for the F6 types).</summary>
    public static int GetBitSize(SafeTensorsDType dtype) => Bits[Index(dtype)];

    /// <summary>
    /// Size of one element in bytes.
    /// </summary>
    /// <exception cref="NotSupportedException">For the sub-byte types (F4, F6_*), which have no whole byte size.</exception>
    public static int GetByteSize(SafeTensorsDType dtype)
    {
        int bits = GetBitSize(dtype);
        if (bits % 8 != 0)
            throw new NotSupportedException($"dtype {GetName(dtype)} is {bits} bits per element, not a whole number of bytes.");
        return bits / 8;
    }

    /// <summary>The dtype string used in safetensors headers, e.g. <c>"F32"</c> or <c>"F8_E4M3"</c>.</summary>
    public static string GetName(SafeTensorsDType dtype) => Names[Index(dtype)];

    /// <summary>Parses an on-disk dtype string (exact, case-sensitive, as the reference does).</summary>
    public static bool TryParse(string? name, out SafeTensorsDType dtype)
    {
        if (name is not null)
        {
            for (int i = 0; i < Names.Length; i++)
            {
                if (string.Equals(Names[i], name, StringComparison.Ordinal))
                {
                    dtype = (SafeTensorsDType)i;
                    return true;
                }
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>Parses an on-disk dtype string.</summary>
    /// <exception cref="ArgumentException">For an unknown name.</exception>
    public static SafeTensorsDType Parse(string name)
    {
        if (!TryParse(name, out var dtype))
            throw new ArgumentException($"Unknown safetensors dtype '{name}'.", nameof(name));
        return dtype;
    }

    /// <summary>
    /// Number of bytes a tensor of <paramref name="shape"/> occupies, with the reference's overflow
    /// and whole-byte checks. Returns false (with a reason) instead of throwing.
    /// </summary>
    internal static bool TryComputeByteLength(SafeTensorsDType dtype, ReadOnlySpan<long> shape, out long elements, out long bytes,
        out SafeTensorsErrorKind errorKind, [NotNullWhen(false)] out string? error)
    {
        elements = 1;
        bytes = 0;
        errorKind = SafeTensorsErrorKind.ValidationOverflow;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                errorKind = SafeTensorsErrorKind.InvalidShape;
                error = $"negative dimension {d} in shape";
                return false;
            }
            // Same fold order as the reference (checked multiply left to right), so [huge, huge, 0] overflows.
            if (d != 0 && elements > long.MaxValue / d)
            {
                error = "element count overflows a 64-bit integer";
                return false;
            }
            elements *= d;
        }
        int bits = GetBitSize(dtype);
        if (elements > long.MaxValue / bits)
        {
            error = "byte size (element count x dtype size) overflows a 64-bit integer";
            return false;
        }
        long totalBits = elements * bits;
        if (totalBits % 8 != 0)
        {
            errorKind = SafeTensorsErrorKind.MisalignedSlice;
            error = $"{elements} elements of {GetName(dtype)} ({bits} bits each) do not fill a whole number of bytes";
            return false;
        }
        bytes = totalBits / 8;
        error = null;
        return true;
    }

    private static int Index(SafeTensorsDType dtype)
    {
        int i = (int)dtype;
        if ((uint)i >= (uint)Names.Length)
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a defined safetensors dtype.");
        return i;
    }
}
