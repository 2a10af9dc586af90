using System.Security.Cryptography;

namespace Tessera.Data;

/// <summary>SHA-256 helpers for verifying dataset files.</summary>
public static class Checksums
{
    /// <summary>Lower-case hex SHA-256 of the file at <paramref name="path"/>.</summary>
    public static string Sha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>True when the file's SHA-256 equals <paramref name="expectedHex"/> (case-insensitive hex).</summary>
    public static bool Verify(string path, string expectedHex)
    {
        ArgumentException.ThrowIfNullOrEmpty(expectedHex);
        return string.Equals(Sha256Hex(path), expectedHex.Trim(), StringComparison.OrdinalIgnoreCase);
    }
}
