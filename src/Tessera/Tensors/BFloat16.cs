using System.Globalization;
using System.Runtime.CompilerServices;

namespace Tessera;

/// <summary>
/// A bfloat16 number: the upper 16 bits of an IEEE float32 (1 sign, 8 exponent, 7 mantissa bits). Same range as
/// float32, about three significant decimal digits. Conversion from float rounds to nearest, ties to even; every NaN
/// becomes the canonical quiet NaN 0x7FC0 (as PyTorch) and infinities stay infinite.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>, IFormattable
{
    /// <summary>The 16 stored bits.</summary>
    public ushort RawValue { get; }

    private BFloat16(ushort bits) => RawValue = bits;

    /// <summary>The value whose bits are <paramref name="bits"/>.</summary>
    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>Rounds a float to the nearest bfloat16 (ties to even); NaN becomes 0x7FC0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator BFloat16(float value) => new(Kernels.Convert.HalfConvert.RoundToBFloat16(BitConverter.SingleToUInt32Bits(value)));

    /// <summary>Rounds a double to bfloat16 (through float32, as PyTorch does).</summary>
    public static explicit operator BFloat16(double value) => (BFloat16)(float)value;

    /// <summary>The exact float32 value of a bfloat16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value.RawValue << 16);

    /// <summary>The exact double value of a bfloat16.</summary>
    public static explicit operator double(BFloat16 value) => (float)value;

    /// <summary>True when the value is not a number.</summary>
    public static bool IsNaN(BFloat16 value) => (value.RawValue & 0x7FFF) > 0x7F80;

    /// <inheritdoc/>
    public bool Equals(BFloat16 other) => (float)this == (float)other;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ((float)this).GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo((float)other);

    /// <summary>IEEE equality (NaN is unequal to everything).</summary>
    public static bool operator ==(BFloat16 a, BFloat16 b) => (float)a == (float)b;

    /// <summary>IEEE inequality.</summary>
    public static bool operator !=(BFloat16 a, BFloat16 b) => (float)a != (float)b;

    /// <inheritdoc/>
    public override string ToString() => ((float)this).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ((float)this).ToString(format, formatProvider);
}
