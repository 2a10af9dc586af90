namespace Tessera.Kernels.Gemm;

/// <summary>Instruction-set path of the packed GEMM micro-kernels.</summary>
internal enum GemmIsa
{
    /// <summary>Best available on this machine.</summary>
    Auto,

    /// <summary>512-bit AVX-512F kernels (12×32 or 8×32).</summary>
    Avx512,

    /// <summary>256-bit AVX2/FMA kernel (6×16).</summary>
    Avx2,

    /// <summary>128-bit portable kernel (4×8), also the path on Arm64.</summary>
    Portable,
}
