using System.CommandLine;
using Tessera.Cli.Commands;

namespace Tessera.Cli.Tests.Commands;

public class BenchLoadTests
{
    [Fact]
    public void CorruptOrMissingFilesExitWithCode2AndOneLine()
    {
        string dir = Directory.CreateTempSubdirectory("tessera-benchload-").FullName;
        try
        {
            string bad = Path.Combine(dir, "bad.safetensors");
            File.WriteAllText(bad, "garbage, not a safetensors file");
            var error = new StringWriter();
            var original = Console.Error;
            Console.SetError(error);
            int codeBad, codeMissing;
            try
            {
                codeBad = BenchLoadCommand.Create().Parse(["--file", bad]).Invoke();
                codeMissing = BenchLoadCommand.Create().Parse(["--file", Path.Combine(dir, "missing.safetensors")]).Invoke();
            }
            finally
            {
                Console.SetError(original);
            }
            Assert.Equal(2, codeBad);
            Assert.Equal(2, codeMissing);
            string[] lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.StartsWith($"error: safetensors file '{bad}': header length ", lines[0]);
            Assert.Equal($"error: --file '{Path.Combine(dir, "missing.safetensors")}' does not exist.", lines[1]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
