namespace Tessera.Kernels.Tests.Support;

/// <summary>
/// Tests that flip process-wide switches (KernelOptions.DisableSimd, ParallelRuntime.ThreadCount)
/// run in this collection, which xunit runs alone after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalStateCollection
{
    public const string Name = "Global kernel switches";
}
