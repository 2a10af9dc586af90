namespace Tessera.Cli;

/// <summary>Builds and runs the <c>tessera</c> command line.</summary>
internal static class CliApp
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("tessera: no commands yet");
        return args.Length == 0 ? 1 : 1;
    }
}
