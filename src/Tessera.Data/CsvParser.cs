using System.Text;

namespace Tessera.Data;

/// <summary>A small RFC 4180 reader: quoted fields with doubled quotes, delimiters and line breaks inside quotes, LF or CRLF records.</summary>
internal static class CsvParser
{
    /// <summary>Records with the 1-based line each starts on; blank lines are skipped.</summary>
    public static IEnumerable<(string[] Fields, int Line)> Parse(TextReader reader, string path, char delimiter = ',')
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1;
        bool inQuotes = false, wasQuoted = false, afterQuote = false, recordHasContent = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            char ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else { inQuotes = false; afterQuote = true; }
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            if (ch == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                wasQuoted = afterQuote = false;
                recordHasContent = true;
            }
            else if (ch == '\r' || ch == '\n')
            {
                if (ch == '\r' && reader.Peek() == '\n') reader.Read();
                if (recordHasContent || field.Length > 0 || wasQuoted)
                {
                    fields.Add(field.ToString());
                    yield return (fields.ToArray(), recordLine);
                }
                fields.Clear();
                field.Clear();
                wasQuoted = afterQuote = recordHasContent = false;
                line++;
                recordLine = line;
            }
            else if (afterQuote)
            {
                throw new CsvFormatException(path, recordLine, null, $"unexpected character '{ch}' after a closing quote (field {fields.Count + 1})");
            }
            else if (ch == '"' && field.Length == 0 && !wasQuoted)
            {
                inQuotes = wasQuoted = true;
            }
            else
            {
                field.Append(ch);
            }
        }
        if (inQuotes) throw new CsvFormatException(path, recordLine, null, $"unterminated quoted field (field {fields.Count + 1}) runs to the end of the file");
        if (recordHasContent || field.Length > 0 || wasQuoted)
        {
            fields.Add(field.ToString());
            yield return (fields.ToArray(), recordLine);
        }
    }
}
