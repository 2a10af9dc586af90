using Tessera.Kernels.Gemm;

namespace Tessera.Kernels.Tests;

/// <summary>Which internal GEMM path a test forces.</summary>
public enum GemmPath
{
    /// <summary>Whatever the dispatcher picks (tiny shapes take the direct small loop).</summary>
    Auto,

    /// <summary>Blocked path with both operands always packed.</summary>
    Packed,

    /// <summary>Blocked path reading full A and B micro-panels in place wherever the layout allows.</summary>
    InPlace,
}

/// <summary>Scoped override of the GEMM test hooks (kernel ISA, path).</summary>
internal sealed class GemmSwitches : IDisposable
{
    private readonly GemmIsa _isa = SgemmMicroKernel.ForcedIsa;
    private readonly bool _packed = SgemmDispatch.ForcePacked;
    private readonly int _directA = GemmBlocking.DirectAMaxN, _directB = GemmBlocking.DirectBMaxM;
    private readonly long _span = GemmBlocking.DirectBMaxSpan;

    public GemmSwitches(GemmIsa isa, GemmPath path)
    {
        SgemmMicroKernel.ForcedIsa = isa;
        SgemmDispatch.ForcePacked = path != GemmPath.Auto;
        if (path == GemmPath.Packed)
        {
            GemmBlocking.DirectAMaxN = 0;
            GemmBlocking.DirectBMaxM = 0;
        }
        else if (path == GemmPath.InPlace)
        {
            GemmBlocking.DirectAMaxN = int.MaxValue;
            GemmBlocking.DirectBMaxM = int.MaxValue;
            GemmBlocking.DirectBMaxSpan = long.MaxValue;
        }
    }

    public void Dispose()
    {
        SgemmMicroKernel.ForcedIsa = _isa;
        SgemmDispatch.ForcePacked = _packed;
        GemmBlocking.DirectAMaxN = _directA;
        GemmBlocking.DirectBMaxM = _directB;
        GemmBlocking.DirectBMaxSpan = _span;
    }
}
