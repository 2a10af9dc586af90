namespace Tessera.Data.Tests;

/// <summary>Tests that set TESSERA_DATA (process-wide) run in this collection, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "Environment";
}
