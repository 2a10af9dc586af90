namespace Tessera.Tests.Support;

/// <summary>
/// Tests that flip process-wide kernel switches (<c>KernelOptions.DisableSimd</c>, <c>ParallelRuntime.ThreadCount</c>)
/// run in this collection. With <c>DisableParallelization</c> xunit runs it on its own, after every parallel
/// collection of this assembly has finished, so no other test can observe the switch half-way.
/// Only this assembly matters: <c>dotnet test</c> runs each test assembly in its own testhost process, so the
/// static switches of another test project (Tessera.Kernels.Tests has its own collection) live in another process.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalStateCollection
{
    public const string Name = "Global kernel switches";
}
