using System.Globalization;
using System.Text;

namespace Tessera.IO;

/// <summary>
/// Writes header JSON byte-for-byte like the reference (serde_json compact output): no spaces,
/// strings escaped only where JSON requires it, non-ASCII written as raw UTF-8.
/// </summary>
internal static class SafeTensorsJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void WriteString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                        sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>UTF-8 bytes of a string; lone surrogates are an error rather than silently replaced.</summary>
    public static byte[] ToUtf8(string value, string what)
    {
        try
        {
            return StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{what} is not valid Unicode (lone surrogate): {e.Message}", e);
        }
    }
}
