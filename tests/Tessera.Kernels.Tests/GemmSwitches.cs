using Tessera.Kernels.Gemm;

namespace Tessera.Kernels.Tests;

/// <summary>Scoped override of the GEMM test hooks (kernel ISA, forced packed path).</summary>
internal sealed class GemmSwitches : IDisposable
{
    private readonly GemmIsa _isa = SgemmMicroKernel.ForcedIsa;
    private readonly bool _packed = SgemmDispatch.ForcePacked;

    public GemmSwitches(GemmIsa isa, bool packed)
    {
        SgemmMicroKernel.ForcedIsa = isa;
        SgemmDispatch.ForcePacked = packed;
    }

    public void Dispose()
    {
        SgemmMicroKernel.ForcedIsa = _isa;
        SgemmDispatch.ForcePacked = _packed;
    }
}
