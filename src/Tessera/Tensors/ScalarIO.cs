using System.Runtime.InteropServices;

namespace Tessera;

/// <summary>
/// Reads and writes single elements of any dtype as double or long: the slow, exact path for inspection,
/// creation helpers and formatting (never for kernels).
/// </summary>
internal static class ScalarIO
{
    /// <summary>Element <paramref name="index"/> of <paramref name="storage"/> (typed by <paramref name="dtype"/>) as a double.</summary>
    public static double Read(DType dtype, Span<byte> storage, int index) => dtype switch
    {
        DType.Float32 => At<float>(storage, index),
        DType.Float64 => At<double>(storage, index),
        DType.Float16 => (double)At<Half>(storage, index),
        DType.BFloat16 => (double)At<BFloat16>(storage, index),
        DType.Int64 => At<long>(storage, index),
        DType.Int32 => At<int>(storage, index),
        DType.Int16 => At<short>(storage, index),
        DType.Int8 => At<sbyte>(storage, index),
        DType.UInt8 or DType.Bool => At<byte>(storage, index),
        _ => throw DTypeDispatch.Unsupported("element read", dtype),
    };

    /// <summary>Writes <paramref name="value"/> converted to <paramref name="dtype"/> (saturating for integers, 0/1 for bool).</summary>
    public static void Write(DType dtype, Span<byte> storage, int index, double value)
    {
        switch (dtype)
        {
            case DType.Float32: At<float>(storage, index) = (float)value; break;
            case DType.Float64: At<double>(storage, index) = value; break;
            case DType.Float16: At<Half>(storage, index) = (Half)value; break;
            case DType.BFloat16: At<BFloat16>(storage, index) = (BFloat16)value; break;
            case DType.Int64: At<long>(storage, index) = long.CreateSaturating(value); break;
            case DType.Int32: At<int>(storage, index) = int.CreateSaturating(value); break;
            case DType.Int16: At<short>(storage, index) = short.CreateSaturating(value); break;
            case DType.Int8: At<sbyte>(storage, index) = sbyte.CreateSaturating(value); break;
            case DType.UInt8: At<byte>(storage, index) = byte.CreateSaturating(value); break;
            case DType.Bool: At<byte>(storage, index) = value != 0 ? (byte)1 : (byte)0; break;
            default: throw DTypeDispatch.Unsupported("element write", dtype);
        }
    }

    /// <summary>Writes an integer exactly (int64 values beyond 2^53 are not rounded through double).</summary>
    public static void Write(DType dtype, Span<byte> storage, int index, long value)
    {
        switch (dtype)
        {
            case DType.Int64: At<long>(storage, index) = value; break;
            case DType.Int32: At<int>(storage, index) = int.CreateSaturating(value); break;
            case DType.Int16: At<short>(storage, index) = short.CreateSaturating(value); break;
            case DType.Int8: At<sbyte>(storage, index) = sbyte.CreateSaturating(value); break;
            case DType.UInt8: At<byte>(storage, index) = byte.CreateSaturating(value); break;
            default: Write(dtype, storage, index, (double)value); break;
        }
    }

    private static ref T At<T>(Span<byte> storage, int index) where T : unmanaged => ref MemoryMarshal.Cast<byte, T>(storage)[index];
}
