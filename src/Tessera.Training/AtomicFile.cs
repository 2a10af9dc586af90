using System.Text.RegularExpressions;

namespace Tessera.Training;

/// <summary>
/// Atomic replacement of run-folder files: each write goes to <c>.NAME.GUID.tmp</c> in the same folder, is flushed
/// to disk, and is renamed over NAME, so a reader (or a resumed run) sees the old file or the new one, never a part.
/// A run killed during a write leaves such a temporary file; <see cref="RemoveStaleTemps"/> deletes them.
/// </summary>
internal static partial class AtomicFile
{
    /// <summary>The temporary name next to <paramref name="path"/> (the same shape <see cref="Tessera.IO.SafeTensorsWriter"/> uses).</summary>
    public static string TempPath(string path)
    {
        string full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));

    /// <summary>
    /// Calls <paramref name="writeTemp"/> with a temporary path, flushes it to disk (unless the writer already did:
    /// <paramref name="flushed"/>), and renames it over <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, Action<string> writeTemp, bool flushed = false)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = TempPath(full);
        try
        {
            writeTemp(temp);
            if (!flushed)
                using (var fs = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) fs.Flush(flushToDisk: true);
            TestKillSwitch.At(Path.GetFileName(full) + ".tmp");
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        TestKillSwitch.At(Path.GetFileName(full));
    }

    /// <summary>
    /// Deletes the temporary files an interrupted atomic write left in <paramref name="directory"/> (names
    /// <c>.NAME.32-hex.tmp</c>, possibly nested, and the older <c>NAME.tmp</c> of metrics.csv); returns how many.
    /// </summary>
    public static int RemoveStaleTemps(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        int n = 0;
        foreach (var f in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(f);
            if (!TempName().IsMatch(name) && name != "metrics.csv.tmp") continue;
            try
            {
                File.Delete(f);
                n++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return n;
    }

    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TempName();
}
