using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tessera.Bench;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera bench elementwise</c>: elementwise ops and reductions on 1M-element float32 tensors.</summary>
internal static class BenchElementwiseCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var ops = new Argument<string[]>("ops") { Description = "Ops to run (default: all): " + string.Join(", ", ElementwiseBench.Ops), Arity = ArgumentArity.ZeroOrMore };
        ops.AcceptOnlyFromAmong([.. ElementwiseBench.Ops]);
        var threads = CliOptions.Threads();
        var json = new Option<bool>("--json") { Description = "One JSON line per op, keys as bench/torch_elementwise.py." };
        var command = new Command("elementwise", "Elementwise/reduction time per call on 1M floats (best of 30 rounds of 20 calls after a 0.2 s warm-up).") { ops, threads, json };
        command.SetAction(result =>
        {
            CliOptions.ApplyThreads(result, threads);
            var selected = result.GetValue(ops) ?? [];
            var table = new Table().AddColumns("op", "n", "µs/call");
            foreach (var (op, n, us) in ElementwiseBench.Run(selected))
            {
                if (result.GetValue(json)) Console.WriteLine(ElementwiseBench.ToJson(op, n, us));
                else table.AddRow(op, n.ToString(CultureInfo.InvariantCulture), us.ToString("F1", CultureInfo.InvariantCulture));
            }
            if (!result.GetValue(json)) CliConsole.Create().Write(table);
            return 0;
        });
        return command;
    }
}
