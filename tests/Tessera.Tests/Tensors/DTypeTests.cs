using System.Runtime.InteropServices;
using System.Text.Json;
using Tessera.IO;
using Tessera.Testing.Fixtures;

namespace Tessera.Tests.Tensors;

/// <summary>
/// The dtype table, promotion and 16-bit float conversion against PyTorch's own answers
/// (tests/fixtures/dtypes/dtypes.safetensors, written by tools/make_dtype_fixtures.py).
/// </summary>
public class DTypeTests
{
    private static readonly Lazy<SafeTensorsFile> Fixture = new(() =>
        SafeTensorsFile.Read(Path.Combine(RepoPaths.FixturesDirectory, "dtypes", "dtypes.safetensors")));

    private static T[] Read<T>(string name) where T : unmanaged => MemoryMarshal.Cast<byte, T>(Fixture.Value.GetBytes(name)).ToArray();

    [Fact]
    public void PromotionTableMatchesTorchResultTypeForEveryPair()
    {
        var expected = JsonSerializer.Deserialize<Dictionary<string, string>>(Fixture.Value.Metadata["promotion"])!;
        Assert.Equal(DTypeInfo.All.Count * DTypeInfo.All.Count, expected.Count);
        foreach (var a in DTypeInfo.All)
            foreach (var b in DTypeInfo.All)
                Assert.True(expected[$"{a.Name()},{b.Name()}"] == DTypeInfo.Promote(a, b).Name(),
                    $"{a.Name()} with {b.Name()}: torch gives {expected[$"{a.Name()},{b.Name()}"]}, Tessera {DTypeInfo.Promote(a, b).Name()}");
    }

    [Fact]
    public void ScalarPromotionMatchesTorchAndNeverDependsOnTheValue()
    {
        var expected = JsonSerializer.Deserialize<Dictionary<string, string>>(Fixture.Value.Metadata["scalar"])!;
        foreach (var a in DTypeInfo.All)
        {
            Assert.Equal(expected[$"{a.Name()},int"], DTypeInfo.PromoteWithScalar(a, DTypeKind.SignedInteger).Name());
            Assert.Equal(expected[$"{a.Name()},float"], DTypeInfo.PromoteWithScalar(a, DTypeKind.Float).Name());
        }
    }

    [Fact]
    public void Float32ToBFloat16MatchesTorchBitForBit()
    {
        float[] x = Read<float>("f32");
        ushort[] torchBits = Read<ushort>("bf16");
        // Vector path (and its tail) through the tensor conversion...
        ushort[] viaTensor = Tensor.FromArray(x).To(DType.BFloat16).ToArray<BFloat16>().Select(b => b.RawValue).ToArray();
        // ...and the scalar path through the struct.
        ushort[] viaScalar = x.Select(v => ((BFloat16)v).RawValue).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i]))
            {
                // PyTorch's scalar rule gives 0x7FC0 but its AVX2 path gives 0xFFFF: both are NaN; we always give 0x7FC0.
                Assert.True((torchBits[i] & 0x7FFF) > 0x7F80, $"x[{i}]: torch made 0x{torchBits[i]:X4} of a NaN");
                Assert.Equal(0x7FC0, viaTensor[i]);
                Assert.Equal(0x7FC0, viaScalar[i]);
                continue;
            }
            Assert.True(torchBits[i] == viaTensor[i], $"x[{i}] = {x[i]:R} (0x{BitConverter.SingleToUInt32Bits(x[i]):X8}): torch 0x{torchBits[i]:X4}, tensor 0x{viaTensor[i]:X4}");
            Assert.True(torchBits[i] == viaScalar[i], $"x[{i}] = {x[i]:R}: torch 0x{torchBits[i]:X4}, scalar 0x{viaScalar[i]:X4}");
        }
    }

    [Fact]
    public void BFloat16ToFloat32IsExact()
    {
        ushort[] bits = Read<ushort>("bf16");
        float[] expected = Read<float>("bf16_to_f32");
        var t = Tensor.FromSpan<BFloat16>(bits.Select(BFloat16.FromBits).ToArray());
        Assert.Equal(DType.BFloat16, t.DType);
        float[] back = t.To(DType.Float32).ToArray<float>();
        for (int i = 0; i < bits.Length; i++)
            Assert.Equal(BitConverter.SingleToUInt32Bits(expected[i]), BitConverter.SingleToUInt32Bits(back[i]));
    }

    [Fact]
    public void Float32ToFloat16MatchesTorch()
    {
        float[] x = Read<float>("f32");
        ushort[] torchBits = Read<ushort>("f16");
        Half[] ours = Tensor.FromArray(x).To(DType.Float16).ToArray<Half>();
        for (int i = 0; i < x.Length; i++)
        {
            var torchValue = BitConverter.UInt16BitsToHalf(torchBits[i]);
            if (Half.IsNaN(torchValue)) Assert.True(Half.IsNaN(ours[i]), $"x[{i}] is NaN; got {ours[i]}");
            else Assert.True(torchBits[i] == BitConverter.HalfToUInt16Bits(ours[i]), $"x[{i}] = {x[i]:R}: torch 0x{torchBits[i]:X4}, ours 0x{BitConverter.HalfToUInt16Bits(ours[i]):X4}");
        }
        float[] back = Tensor.FromSpan<Half>(ours).To(DType.Float32).ToArray<float>();
        for (int i = 0; i < x.Length; i++)
            if (!Half.IsNaN(ours[i])) Assert.Equal((float)ours[i], back[i]);
    }

    [Theory]
    [InlineData(0x3F808000u, (ushort)0x3F80)]   // exact tie, even below: rounds down
    [InlineData(0x3F818000u, (ushort)0x3F82)]   // exact tie, odd below: rounds up
    [InlineData(0x3F808001u, (ushort)0x3F81)]   // just past the tie
    [InlineData(0x7F7FFFFFu, (ushort)0x7F80)]   // float max rounds to infinity
    [InlineData(0xFF800000u, (ushort)0xFF80)]   // -inf stays -inf
    [InlineData(0xFFC12345u, (ushort)0x7FC0)]   // any NaN becomes the canonical NaN
    [InlineData(0x80000000u, (ushort)0x8000)]   // -0 keeps its sign
    public void BFloat16RoundsToNearestEven(uint floatBits, ushort bf16Bits)
    {
        Assert.Equal(bf16Bits, ((BFloat16)BitConverter.UInt32BitsToSingle(floatBits)).RawValue);
        // A span long enough for the vector path, every element the same.
        var t = Tensor.Full([37], BitConverter.UInt32BitsToSingle(floatBits)).To(DType.BFloat16);
        Assert.All(t.ToArray<BFloat16>(), b => Assert.Equal(bf16Bits, b.RawValue));
    }

    [Fact]
    public void EveryDTypeConvertsToEveryOther()
    {
        double[] values = [0, 1, 2, 5, 100, 1];
        foreach (var from in DTypeInfo.All)
            foreach (var to in DTypeInfo.All)
            {
                var src = Tensor.FromArray(values).To(from);
                double[] got = src.To(to).ToDoubleArray();
                for (int i = 0; i < values.Length; i++)
                {
                    double expected = from == DType.Bool || to == DType.Bool ? (values[i] != 0 ? 1 : 0) : values[i];
                    Assert.True(expected == got[i], $"{from.Name()} -> {to.Name()}: element {i} is {got[i]}, expected {expected}");
                }
            }
    }

    [Fact]
    public void FloatToIntegerTruncatesTowardZeroAndSaturates()
    {
        var x = Tensor.FromArray([2.7, -2.7, 300.0, -300.0, double.NaN]);
        Assert.Equal([2, -2, 127, -128, 0], x.To(DType.Int8).ToArray<sbyte>().Select(v => (int)v));
        Assert.Equal([2, 0, 255, 0, 0], x.To(DType.UInt8).ToArray<byte>().Select(v => (int)v));
    }

    [Fact]
    public void TraitsTableAgreesWithTheClrTypesAndNames()
    {
        Assert.Equal(2, DType.BFloat16.ElementSize());
        Assert.Equal(1, DType.Int8.ElementSize());
        Assert.Equal(SafeTensorsDType.BF16, DType.BFloat16.ToSafeTensors());
        Assert.Equal("torch.float16", DType.Float16.Traits().TorchName);
        foreach (var d in DTypeInfo.All)
        {
            Assert.Equal(d, DTypeInfo.Parse(d.Name()));
            Assert.Equal(d, DTypeInfo.Parse(d.Traits().TorchName));
            Assert.Equal(d, DTypeInfo.FromSafeTensors(d.ToSafeTensors()));
            Assert.Equal(SafeTensorsDTypeInfo.GetByteSize(d.ToSafeTensors()), d.ElementSize());
        }
        Assert.True(DType.BFloat16.IsReducedPrecision() && DType.Float16.IsReducedPrecision() && !DType.Float32.IsReducedPrecision());
    }

    [Fact]
    public void UnknownDTypesAreNamedInTheError()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros([2]).To((DType)42));
        Assert.StartsWith("42 is not a Tessera dtype.", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => DTypeInfo.Parse("float8"));
        Assert.Equal("Unknown dtype \"float8\" (known: bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64). (Parameter 'name')", ex2.Message);
        var ex3 = Assert.Throws<NotSupportedException>(() => DTypeInfo.FromSafeTensors(SafeTensorsDType.U16));
        Assert.Equal("safetensors dtype U16 has no Tessera dtype (supported: BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64).", ex3.Message);
    }

    [Fact]
    public void SixteenBitTensorsPrintTheirValuesAndDType()
    {
        var t = Tensor.FromArray([1.5f, -2.25f]).To(DType.BFloat16);
        Assert.Equal("tensor([ 1.5000, -2.2500], dtype=bfloat16)", t.ToString());
        Assert.Equal(-2.25, t.GetAsDouble(1));
    }
}
