using System.Text;
using Tessera.IO;
using static Tessera.Tests.IO.SafeTensorsTestFiles;

namespace Tessera.Tests.IO;

public class SafeTensorsMalformedTests
{
    private const string A8 = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    private static string Entry(string name, string dtype, string shape, string offsets) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    // name -> (file bytes, expected kind, fragment the message must contain)
    private static readonly Dictionary<string, (Func<byte[]> Bytes, SafeTensorsErrorKind Kind, string Fragment)> Cases = new()
    {
        ["empty file"] = (() => [], SafeTensorsErrorKind.HeaderTooSmall, "0 bytes"),
        ["truncated length prefix"] = (() => [1, 0, 0, 0, 0], SafeTensorsErrorKind.HeaderTooSmall, "5 bytes"),
        ["header length over 100 MB"] = (() => Prefix(100_000_001, 16), SafeTensorsErrorKind.HeaderTooLarge, "100000001"),
        ["header length u64 max"] = (() => Prefix(ulong.MaxValue, 16), SafeTensorsErrorKind.HeaderTooLarge, "18446744073709551615"),
        ["header length past end of file"] = (() => Prefix(1000, 20), SafeTensorsErrorKind.InvalidHeaderLength, "1000"),
        ["header length 99 MB, tiny file"] = (() => Prefix(99_999_999, 2), SafeTensorsErrorKind.InvalidHeaderLength, "99999999"),
        ["empty header"] = (() => Raw(""), SafeTensorsErrorKind.InvalidHeaderJson, "empty"),
        ["only spaces"] = (() => Raw("        "), SafeTensorsErrorKind.InvalidHeaderJson, "empty"),
        ["header not JSON"] = (() => Raw("hello world!"), SafeTensorsErrorKind.InvalidHeaderJson, "not valid JSON"),
        ["header is an array"] = (() => Raw("[]"), SafeTensorsErrorKind.InvalidHeaderJson, "must be a JSON object"),
        ["header is a string"] = (() => Raw("\"{}\""), SafeTensorsErrorKind.InvalidHeaderJson, "must be a JSON object"),
        ["header is a number"] = (() => Raw("12"), SafeTensorsErrorKind.InvalidHeaderJson, "must be a JSON object"),
        ["unterminated object"] = (() => Raw("{" + A8), SafeTensorsErrorKind.InvalidHeaderJson, "JSON"),
        ["garbage after object"] = (() => Raw("{}x"), SafeTensorsErrorKind.InvalidHeaderJson, "not valid JSON"),
        ["second object after first"] = (() => Raw("{} {}"), SafeTensorsErrorKind.InvalidHeaderJson, "JSON"),
        ["NUL padding"] = (() => Raw("{}\0\0\0\0\0\0"), SafeTensorsErrorKind.InvalidHeaderJson, "not valid JSON"),
        ["trailing comma"] = (() => Raw("{" + A8 + ",}", 8), SafeTensorsErrorKind.InvalidHeaderJson, "not valid JSON"),
        ["comment"] = (() => Raw("{/*c*/" + A8 + "}", 8), SafeTensorsErrorKind.InvalidHeaderJson, "not valid JSON"),
        ["UTF-8 BOM"] = (() => Raw("\uFEFF{}"), SafeTensorsErrorKind.InvalidHeaderJson, "not valid JSON"),
        ["invalid UTF-8"] = (() => Raw(Encoding.UTF8.GetBytes("{\"a\":1}").Select((b, i) => i == 2 ? (byte)0xFF : b).ToArray(), []),
            SafeTensorsErrorKind.InvalidHeaderUtf8, "offset 2"),
        ["lone surrogate escape"] = (() => Raw("{" + Entry("\\ud800", "U8", "[1]", "[0,1]") + "}", 1), SafeTensorsErrorKind.InvalidHeaderJson, "invalid JSON string"),
        ["deep nesting in unknown field"] = (() => Raw("{\"a\":{\"x\":" + new string('[', 5000) + new string(']', 5000) + "}}"),
            SafeTensorsErrorKind.InvalidHeaderJson, "depth"),
        ["entry not an object"] = (() => Raw("{\"a\":[1,2]}"), SafeTensorsErrorKind.InvalidHeaderJson, "entry must be an object"),
        ["missing dtype"] = (() => Raw("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), SafeTensorsErrorKind.InvalidHeaderJson, "no \"dtype\""),
        ["missing shape"] = (() => Raw("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8), SafeTensorsErrorKind.InvalidHeaderJson, "no \"shape\""),
        ["missing data_offsets"] = (() => Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), SafeTensorsErrorKind.InvalidHeaderJson, "no \"data_offsets\""),
        ["unknown dtype"] = (() => Raw("{" + Entry("a", "F31", "[2]", "[0,8]") + "}", 8), SafeTensorsErrorKind.InvalidDType, "\"F31\""),
        ["lowercase dtype"] = (() => Raw("{" + Entry("a", "f32", "[2]", "[0,8]") + "}", 8), SafeTensorsErrorKind.InvalidDType, "\"f32\""),
        ["dtype not a string"] = (() => Raw("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), SafeTensorsErrorKind.InvalidDType, "must be a string"),
        ["negative dimension"] = (() => Raw("{" + Entry("a", "F32", "[2,-1]", "[0,8]") + "}", 8), SafeTensorsErrorKind.InvalidShape, "-1 is negative"),
        ["fractional dimension"] = (() => Raw("{" + Entry("a", "F32", "[2.0]", "[0,8]") + "}", 8), SafeTensorsErrorKind.InvalidShape, "2.0 is not a non-negative integer"),
        ["exponent dimension"] = (() => Raw("{" + Entry("a", "F32", "[2e0]", "[0,8]") + "}", 8), SafeTensorsErrorKind.InvalidShape, "2e0"),
        ["string dimension"] = (() => Raw("{" + Entry("a", "F32", "[\"2\"]", "[0,8]") + "}", 8), SafeTensorsErrorKind.InvalidShape, "JSON string"),
        ["shape not an array"] = (() => Raw("{" + Entry("a", "F32", "2", "[0,8]") + "}", 8), SafeTensorsErrorKind.InvalidShape, "must be an array"),
        ["dimension beyond u64"] = (() => Raw("{" + Entry("a", "F32", "[18446744073709551616]", "[0,8]") + "}", 8), SafeTensorsErrorKind.InvalidShape, "18446744073709551616"),
        ["dimension beyond i64"] = (() => Raw("{" + Entry("a", "F32", "[9223372036854775808]", "[0,8]") + "}", 8), SafeTensorsErrorKind.ValidationOverflow, "9223372036854775808"),
        ["element count overflow"] = (() => Raw("{" + Entry("a", "F32", "[4294967296,4294967296]", "[0,8]") + "}", 8), SafeTensorsErrorKind.ValidationOverflow, "element count"),
        ["overflow before a zero dim"] = (() => Raw("{" + Entry("a", "F32", "[4294967296,4294967296,0]", "[0,0]") + "}"), SafeTensorsErrorKind.ValidationOverflow, "element count"),
        ["byte size overflow"] = (() => Raw("{" + Entry("a", "F64", "[2305843009213693952]", "[0,8]") + "}", 8), SafeTensorsErrorKind.ValidationOverflow, "byte size"),
        ["misaligned F4"] = (() => Raw("{" + Entry("a", "F4", "[3]", "[0,2]") + "}", 2), SafeTensorsErrorKind.MisalignedSlice, "whole number of bytes"),
        ["offsets with one element"] = (() => Raw("{" + Entry("a", "F32", "[2]", "[8]") + "}", 8), SafeTensorsErrorKind.InvalidOffset, "exactly 2"),
        ["offsets with three elements"] = (() => Raw("{" + Entry("a", "F32", "[2]", "[0,8,16]") + "}", 8), SafeTensorsErrorKind.InvalidOffset, "exactly 2"),
        ["negative offset"] = (() => Raw("{" + Entry("a", "F32", "[2]", "[-8,0]") + "}", 8), SafeTensorsErrorKind.InvalidOffset, "negative"),
        ["offsets not an array"] = (() => Raw("{" + Entry("a", "F32", "[2]", "{}") + "}", 8), SafeTensorsErrorKind.InvalidOffset, "must be an array"),
        ["end before begin"] = (() => Raw("{" + Entry("a", "F32", "[2]", "[8,0]") + "}", 8), SafeTensorsErrorKind.InvalidOffset, "before begin"),
        ["first tensor not at 0"] = (() => Raw("{" + Entry("a", "F32", "[2]", "[8,16]") + "}", 16), SafeTensorsErrorKind.InvalidOffset, "must begin at 0"),
        ["gap between tensors"] = (() => Raw("{" + A8 + "," + Entry("b", "F32", "[2]", "[12,20]") + "}", 20), SafeTensorsErrorKind.InvalidOffset, "gap"),
        ["overlapping tensors"] = (() => Raw("{" + A8 + "," + Entry("b", "F32", "[2]", "[4,12]") + "}", 12), SafeTensorsErrorKind.InvalidOffset, "overlap"),
        ["same range twice"] = (() => Raw("{" + A8 + "," + Entry("b", "F32", "[2]", "[0,8]") + "}", 8), SafeTensorsErrorKind.InvalidOffset, "overlap"),
        ["byte count mismatch"] = (() => Raw("{" + Entry("a", "F32", "[2]", "[0,12]") + "}", 12), SafeTensorsErrorKind.TensorInvalidInfo, "needs 8 bytes"),
        ["empty tensor with bytes"] = (() => Raw("{" + Entry("a", "F32", "[2,0]", "[0,4]") + "}", 4), SafeTensorsErrorKind.TensorInvalidInfo, "needs 0 bytes"),
        ["offsets beyond the file"] = (() => Raw("{" + Entry("a", "F32", "[250]", "[0,1000]") + "}", 8), SafeTensorsErrorKind.MetadataIncompleteBuffer, "truncated"),
        ["huge offsets beyond the file"] = (() => Raw("{" + Entry("a", "U8", "[1099511627776]", "[0,1099511627776]") + "}", 8),
            SafeTensorsErrorKind.MetadataIncompleteBuffer, "truncated"),
        ["trailing bytes"] = (() => Raw("{" + A8 + "}", 9), SafeTensorsErrorKind.MetadataIncompleteBuffer, "1 trailing bytes"),
        ["trailing bytes without tensors"] = (() => Raw("{}", 3), SafeTensorsErrorKind.MetadataIncompleteBuffer, "3 trailing bytes"),
        ["duplicate tensor name"] = (() => Raw("{" + A8 + "," + A8 + "}", 8), SafeTensorsErrorKind.DuplicateName, "more than once"),
        ["duplicate name via escape"] = (() => Raw("{" + A8 + "," + Entry("\\u0061", "F32", "[2]", "[0,8]") + "}", 8), SafeTensorsErrorKind.DuplicateName, "tensor 'a'"),
        ["duplicate dtype field"] = (() => Raw("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
            SafeTensorsErrorKind.DuplicateName, "\"dtype\" appears more than once"),
        ["duplicate __metadata__"] = (() => Raw("{\"__metadata__\":{},\"__metadata__\":{}}"), SafeTensorsErrorKind.DuplicateName, "__metadata__"),
        ["duplicate metadata key"] = (() => Raw("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}"), SafeTensorsErrorKind.DuplicateName, "'k'"),
        ["metadata value is a number"] = (() => Raw("{\"__metadata__\":{\"k\":1}}"), SafeTensorsErrorKind.InvalidMetadata, "key 'k' must be a string, but is a JSON number"),
        ["metadata value is an object"] = (() => Raw("{\"__metadata__\":{\"k\":{}}}"), SafeTensorsErrorKind.InvalidMetadata, "JSON object"),
        ["metadata value is null"] = (() => Raw("{\"__metadata__\":{\"k\":null}}"), SafeTensorsErrorKind.InvalidMetadata, "JSON null"),
        ["metadata is an array"] = (() => Raw("{\"__metadata__\":[\"a\"]}"), SafeTensorsErrorKind.InvalidMetadata, "JSON array"),
        ["metadata is a string"] = (() => Raw("{\"__metadata__\":\"pt\"}"), SafeTensorsErrorKind.InvalidMetadata, "JSON string"),
    };

    public static TheoryData<string, string> CaseNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Cases.Keys)
            foreach (var reader in ReaderNames)
                data.Add(name, reader);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MalformedFileIsRejectedWithAnInformativeMessage(string caseName, string reader)
    {
        var (bytes, kind, fragment) = Cases[caseName];
        using var dir = new TempDir();
        var ex = Assert.Throws<SafeTensorsFormatException>(() => ReadWith(reader, bytes(), dir).Dispose());
        if (reader == "pipe")
        {
            // A non-seekable stream cannot know its length up front: it finds truncation when the bytes run
            // out, and can only say that trailing bytes exist, not how many.
            if (kind == SafeTensorsErrorKind.InvalidHeaderLength || fragment == "truncated")
                fragment = "truncated";
            else if (fragment.Contains("trailing", StringComparison.Ordinal))
                fragment = "trailing bytes";
            if (caseName == "huge offsets beyond the file")
                (kind, fragment) = (SafeTensorsErrorKind.TooLarge, "by path");
        }
        Assert.Equal(kind, ex.Kind);
        Assert.Contains(fragment, ex.Message);
        Assert.NotNull(ex.SourceName);
        Assert.Contains(ex.SourceName!, ex.Message);
        Assert.Contains(kind.ToString(), ex.Message);
    }

    [Fact]
    public void TensorErrorsNameTheTensor()
    {
        var ex = Assert.Throws<SafeTensorsFormatException>(() =>
            SafeTensorsFile.Parse(Raw("{" + A8 + "," + Entry("layer.1.weight", "F32", "[2]", "[12,20]") + "}", 20), "model.safetensors"));
        Assert.Equal("layer.1.weight", ex.TensorName);
        Assert.Equal("model.safetensors", ex.SourceName);
        Assert.StartsWith("safetensors file 'model.safetensors', tensor 'layer.1.weight': invalid data_offsets [12, 20]: gap", ex.Message);
    }

    [Fact]
    public void ReadingAPathNamesTheFile()
    {
        using var dir = new TempDir();
        string path = dir.File("broken.safetensors");
        File.WriteAllBytes(path, Raw("{\"a\":"));
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(path));
        Assert.Contains(path, ex.Message);
    }

    [Theory]
    [InlineData(99_999_999UL, 10)]        // header length just under the limit, almost no bytes sent
    [InlineData(50_000_000UL, 100_000)]
    public void LyingHeaderLengthOnAPipeDoesNotAllocateIt(ulong declared, int sent)
    {
        var bytes = Prefix(declared, sent);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(new NonSeekableStream(bytes, maxChunk: 4096)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(SafeTensorsErrorKind.InvalidHeaderLength, ex.Kind);
        Assert.True(allocated < 8_000_000, $"allocated {allocated} bytes for a {sent}-byte stream");
    }

    [Fact]
    public void LyingDataLengthOnAPipeDoesNotAllocateIt()
    {
        // Valid header declaring 1.5 GB of data, followed by 10 bytes.
        var bytes = Raw("{" + Entry("a", "U8", "[1500000000]", "[0,1500000000]") + "}", 10);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(new NonSeekableStream(bytes, maxChunk: 4096)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(SafeTensorsErrorKind.MetadataIncompleteBuffer, ex.Kind);
        Assert.True(allocated < 8_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void DataSectionTooLargeForAStreamIsAClearError()
    {
        var bytes = Raw("{" + Entry("a", "U8", "[1099511627776]", "[0,1099511627776]") + "}", 0);
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(new NonSeekableStream(bytes)));
        Assert.Equal(SafeTensorsErrorKind.TooLarge, ex.Kind);
        Assert.Contains("by path", ex.Message);
    }

    [Fact]
    public void InvalidBoolByteIsRejectedOnRead()
    {
        using var file = SafeTensorsFile.Parse(Raw("{" + Entry("m", "BOOL", "[3]", "[0,3]") + "}", [0, 1, 2]), "b.safetensors");
        var ex = Assert.Throws<SafeTensorsFormatException>(() => file.GetBool("m"));
        Assert.Contains("element 2 has byte value 2", ex.Message);
        Assert.Equal([(byte)0, 1, 2], file.GetBytes("m").ToArray());
    }
}
