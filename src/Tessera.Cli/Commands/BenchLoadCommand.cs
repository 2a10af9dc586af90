using System.CommandLine;
using System.Text.Json;
using Tessera.Bench;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera bench load --file PATH [--copy]</c>: checkpoint load time and resident memory, mapped or copied.</summary>
internal static class BenchLoadCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Option<string>("--file") { Description = "The safetensors file to load.", Required = true };
        var copy = new Option<bool>("--copy") { Description = "Copy the tensors into memory instead of mapping the file." };
        var command = new Command("load", "Load a safetensors checkpoint and report load time and resident memory before, after loading and after reading every element.")
        {
            file, copy,
        };
        command.SetAction(result =>
        {
            string path = result.GetValue(file)!;
            if (!File.Exists(path)) return CliErrors.Report($"--file '{path}' does not exist.");
            LoadBench.Result r;
            try
            {
                r = LoadBench.Run(path, mapped: !result.GetValue(copy));
            }
            catch (Exception e) when (CliErrors.IsBadInput(e))
            {
                return CliErrors.Report(e);
            }
            static Dictionary<string, double> Mb(LoadBench.Rss m) => new()
            {
                ["rss_mb"] = Math.Round(m.TotalMb, 1), ["anon_mb"] = Math.Round(m.AnonMb, 1), ["file_mb"] = Math.Round(m.FileMb, 1),
            };
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["workload"] = "load", ["mode"] = r.Mapped ? "mapped" : "copied", ["tensors"] = r.Tensors, ["elements"] = r.Elements,
                ["tensor_mb"] = Math.Round(r.TensorBytes / 1048576.0, 1), ["load_ms"] = Math.Round(r.LoadMs, 2),
                ["touch_ms"] = Math.Round(r.TouchMs, 1), ["before"] = Mb(r.Before), ["after_load"] = Mb(r.AfterLoad),
                ["after_touch"] = Mb(r.AfterTouch), ["checksum"] = r.Checksum,
            }));
            return 0;
        });
        return command;
    }
}
