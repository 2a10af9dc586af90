using Tessera.IO;

namespace Tessera;

/// <summary>
/// The dtype traits table and type promotion. Every question about a <see cref="DType"/> (size, family, names,
/// file codes, the result dtype of mixing two) is answered here, from one table each.
/// </summary>
public static class DTypeInfo
{
    // One row per DType, indexed by its value; the static constructor checks the order.
    private static readonly DTypeTraits[] Table =
    [
        new(DType.Bool, 1, DTypeKind.Bool, "bool", SafeTensorsDType.Bool, "torch.bool"),
        new(DType.UInt8, 1, DTypeKind.UnsignedInteger, "uint8", SafeTensorsDType.U8, "torch.uint8"),
        new(DType.Int8, 1, DTypeKind.SignedInteger, "int8", SafeTensorsDType.I8, "torch.int8"),
        new(DType.Int16, 2, DTypeKind.SignedInteger, "int16", SafeTensorsDType.I16, "torch.int16"),
        new(DType.Int32, 4, DTypeKind.SignedInteger, "int32", SafeTensorsDType.I32, "torch.int32"),
        new(DType.Int64, 8, DTypeKind.SignedInteger, "int64", SafeTensorsDType.I64, "torch.int64"),
        new(DType.Float16, 2, DTypeKind.Float, "float16", SafeTensorsDType.F16, "torch.float16"),
        new(DType.BFloat16, 2, DTypeKind.Float, "bfloat16", SafeTensorsDType.BF16, "torch.bfloat16"),
        new(DType.Float32, 4, DTypeKind.Float, "float32", SafeTensorsDType.F32, "torch.float32"),
        new(DType.Float64, 8, DTypeKind.Float, "float64", SafeTensorsDType.F64, "torch.float64"),
    ];

    // PyTorch's promotion lattice (torch.result_type between tensors of the same rank), written out.
    // Rows and columns in DType order: b u8 i8 i16 i32 i64 f16 bf16 f32 f64.
    private const DType b = DType.Bool, u8 = DType.UInt8, i8 = DType.Int8, i16 = DType.Int16, i32 = DType.Int32,
        i64 = DType.Int64, f16 = DType.Float16, bf = DType.BFloat16, f32 = DType.Float32, f64 = DType.Float64;

    private static readonly DType[,] PromotionTable =
    {
        /* b   */ { b,   u8,  i8,  i16, i32, i64, f16, bf,  f32, f64 },
        /* u8  */ { u8,  u8,  i16, i16, i32, i64, f16, bf,  f32, f64 },
        /* i8  */ { i8,  i16, i8,  i16, i32, i64, f16, bf,  f32, f64 },
        /* i16 */ { i16, i16, i16, i16, i32, i64, f16, bf,  f32, f64 },
        /* i32 */ { i32, i32, i32, i32, i32, i64, f16, bf,  f32, f64 },
        /* i64 */ { i64, i64, i64, i64, i64, i64, f16, bf,  f32, f64 },
        /* f16 */ { f16, f16, f16, f16, f16, f16, f16, f32, f32, f64 },
        /* bf  */ { bf,  bf,  bf,  bf,  bf,  bf,  f32, bf,  f32, f64 },
        /* f32 */ { f32, f32, f32, f32, f32, f32, f32, f32, f32, f64 },
        /* f64 */ { f64, f64, f64, f64, f64, f64, f64, f64, f64, f64 },
    };

    static DTypeInfo()
    {
        var all = Enum.GetValues<DType>();
        if (Table.Length != all.Length || PromotionTable.GetLength(0) != all.Length)
            throw new InvalidOperationException("Internal: the dtype tables do not cover every DType.");
        foreach (var d in all)
            if (Table[(int)d].DType != d) throw new InvalidOperationException($"Internal: dtype table row {(int)d} is {Table[(int)d].DType}, not {d}.");
    }

    /// <summary>Every dtype, in declaration order.</summary>
    public static IReadOnlyList<DType> All { get; } = Enum.GetValues<DType>();

    /// <summary>The traits row of <paramref name="dtype"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">For a value that is not a defined <see cref="DType"/>.</exception>
    public static DTypeTraits Traits(this DType dtype) =>
        (uint)dtype < (uint)Table.Length ? Table[(int)dtype] : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"{(int)dtype} is not a Tessera dtype.");

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype.Traits().Size;

    /// <summary>True for float16, bfloat16, float32 and float64.</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype.Traits().Kind == DTypeKind.Float;

    /// <summary>True for the integer dtypes (not bool).</summary>
    public static bool IsInteger(this DType dtype) => dtype.Traits().Kind is DTypeKind.SignedInteger or DTypeKind.UnsignedInteger;

    /// <summary>True for float16 and bfloat16, which are stored in 2 bytes and computed in float32.</summary>
    public static bool IsReducedPrecision(this DType dtype) => dtype.Traits().IsReducedPrecision;

    /// <summary>PyTorch-style name, e.g. <c>float32</c>.</summary>
    public static string Name(this DType dtype) => dtype.Traits().Name;

    /// <summary>The safetensors header code of <paramref name="dtype"/>.</summary>
    public static SafeTensorsDType ToSafeTensors(this DType dtype) => dtype.Traits().SafeTensors;

    /// <summary>The Tessera dtype for a safetensors code.</summary>
    /// <exception cref="NotSupportedException">For codes Tessera has no dtype for (U16, U32, U64, F8_*, F4, F6_*, C64), naming the code.</exception>
    public static DType FromSafeTensors(SafeTensorsDType code)
    {
        foreach (var t in Table) if (t.SafeTensors == code) return t.DType;
        throw new NotSupportedException($"safetensors dtype {SafeTensorsDTypeInfo.GetName(code)} has no Tessera dtype (supported: {string.Join(", ", Table.Select(t => SafeTensorsDTypeInfo.GetName(t.SafeTensors)))}).");
    }

    /// <summary>Parses a name as <see cref="Name"/> writes it (<c>bfloat16</c>), optionally prefixed with <c>torch.</c>.</summary>
    /// <exception cref="ArgumentException">For an unknown name, listing the known ones.</exception>
    public static DType Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = name.StartsWith("torch.", StringComparison.Ordinal) ? name["torch.".Length..] : name;
        foreach (var t in Table) if (t.Name == n) return t.DType;
        throw new ArgumentException($"Unknown dtype \"{name}\" (known: {string.Join(", ", Table.Select(t => t.Name))}).", nameof(name));
    }

    /// <summary>
    /// The dtype that holds both operands of a binary op between tensors, by PyTorch's rules: bool &lt; integers &lt; floats;
    /// uint8 with int8 gives int16; float16 with bfloat16 gives float32; otherwise the wider of the same family.
    /// </summary>
    public static DType Promote(DType a, DType b) => PromotionTable[(int)a.Traits().DType, (int)b.Traits().DType];

    /// <summary>
    /// The result dtype of a tensor of <paramref name="tensor"/> dtype with a C# scalar of kind <paramref name="scalar"/>,
    /// by PyTorch's rule for "wrapped numbers": a scalar only changes the family, never the width. An integer tensor with
    /// a floating scalar gives float32 (1.5 and 2.0 alike: the result never depends on the value); a bool tensor with an
    /// integer scalar gives int64; anything else keeps the tensor's dtype (a bfloat16 tensor times 2.0 stays bfloat16).
    /// </summary>
    public static DType PromoteWithScalar(DType tensor, DTypeKind scalar)
    {
        var k = tensor.Traits().Kind;
        if (scalar == DTypeKind.Float && k != DTypeKind.Float) return DType.Float32;
        if (scalar is DTypeKind.SignedInteger or DTypeKind.UnsignedInteger && k == DTypeKind.Bool) return DType.Int64;
        return tensor;
    }

    /// <summary>The dtype arithmetic on <paramref name="dtype"/> computes in: float32 for float16/bfloat16, else itself.</summary>
    public static DType ComputeType(this DType dtype) => dtype.IsReducedPrecision() ? DType.Float32 : dtype;

    /// <summary>The Tessera dtype of a CLR element type.</summary>
    /// <exception cref="NotSupportedException">For a CLR type with no dtype, naming it.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(short)) return DType.Int16;
        if (typeof(T) == typeof(sbyte)) return DType.Int8;
        if (typeof(T) == typeof(byte)) return DType.UInt8;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        if (typeof(T) == typeof(Half)) return DType.Float16;
        if (typeof(T) == typeof(BFloat16)) return DType.BFloat16;
        throw new NotSupportedException($"No Tessera dtype for CLR type {typeof(T).Name}.");
    }

    /// <summary>True when <typeparamref name="T"/> is the CLR element type of <paramref name="dtype"/> (byte also reads bool).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool Matches<T>(DType dtype) where T : unmanaged =>
        dtype == DType.Bool ? typeof(T) == typeof(byte) || typeof(T) == typeof(bool) : Of<T>() == dtype;
}
