using Google.Protobuf;
using Tensorboard;
using Tessera.Training.TensorBoard;

namespace Tessera.Training.Tests.TensorBoard;

public sealed class Crc32CTests
{
    [Fact]
    public void CheckValueOf123456789()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void EmptyInputIsZero()
    {
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(33)]
    public void MatchesBitwiseReference(int length)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++) data[i] = (byte)(i * 37 + 11);
        Assert.Equal(BitwiseCrc32C(data), Crc32C.Compute(data));
    }

    [Fact]
    public void MaskFollowsTheFormulaAndUnmasks()
    {
        foreach (uint c in new uint[] { 0, 1, 0xE3069283, 0xFFFFFFFF, 0x12345678 })
        {
            uint expected = unchecked(((c >> 15) | (c << 17)) + 0xA282EAD8u);
            Assert.Equal(expected, Crc32C.Mask(c));
            Assert.Equal(c, Crc32C.Unmask(Crc32C.Mask(c)));
        }
    }

    [Fact]
    public void FileVersionRecordMatchesTheSpecTestVector()
    {
        var e = new Event { WallTime = 1.0, FileVersion = "brain.Event:2" };
        var record = TfRecord.Frame(e.ToByteArray());
        Assert.Equal("18000000000000" + "00" + "a37f4b22" + "09000000000000f03f1a0d627261696e2e4576656e743a32" + "86bf577a",
            Convert.ToHexStringLower(record));
    }

    [Fact]
    public void ScalarEventMatchesTheSpecBytes()
    {
        var e = new Event { WallTime = 1.0, Step = 3, Summary = new Summary() };
        e.Summary.Value.Add(new Summary.Types.Value { Tag = "loss", SimpleValue = 0.5f });
        Assert.Equal("09000000000000f03f" + "1003" + "2a0d0a0b0a046c6f7373150000003f", Convert.ToHexStringLower(e.ToByteArray()));
    }

    // Bit at a time, straight from the definition (reflected polynomial 0x82F63B78).
    private static uint BitwiseCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }
}
