namespace Tessera.Kernels.Tests;

/// <summary>GEMM tests flip global switches (kernel ISA, thread count), so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GemmCollection
{
    public const string Name = "Gemm";
}
