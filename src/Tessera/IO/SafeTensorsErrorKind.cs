namespace Tessera.IO;

/// <summary>
/// Why a safetensors file was rejected. The names follow the reference implementation's error
/// variants where one exists.
/// </summary>
public enum SafeTensorsErrorKind
{
    /// <summary>The file is shorter than the 8-byte header length prefix.</summary>
    HeaderTooSmall,
    /// <summary>The declared header length exceeds the 100,000,000-byte limit.</summary>
    HeaderTooLarge,
    /// <summary>The declared header extends past the end of the file.</summary>
    InvalidHeaderLength,
    /// <summary>The header bytes are not valid UTF-8.</summary>
    InvalidHeaderUtf8,
    /// <summary>The header is not JSON, or not a JSON object of the expected structure.</summary>
    InvalidHeaderJson,
    /// <summary>A tensor's dtype string is not a known dtype.</summary>
    InvalidDType,
    /// <summary>A tensor's shape is not an array of non-negative integers.</summary>
    InvalidShape,
    /// <summary>The <c>__metadata__</c> entry is not an object of string values.</summary>
    InvalidMetadata,
    /// <summary>A tensor name (or metadata key, or entry field) occurs more than once.</summary>
    DuplicateName,
    /// <summary>Data offsets are malformed, overlap, leave a gap, or do not start at 0.</summary>
    InvalidOffset,
    /// <summary>The element count or byte size overflows 64-bit arithmetic.</summary>
    ValidationOverflow,
    /// <summary>A sub-byte dtype tensor does not fill a whole number of bytes.</summary>
    MisalignedSlice,
    /// <summary>A tensor's byte range length differs from product(shape) x dtype size.</summary>
    TensorInvalidInfo,
    /// <summary>The data section is shorter (truncated) or longer (trailing bytes) than the tensors declare.</summary>
    MetadataIncompleteBuffer,
    /// <summary>The file is valid but too large for the requested in-memory operation.</summary>
    TooLarge,
}
