namespace Tessera.Kernels.Operators;

/// <summary>Process-wide switches read by the span kernels.</summary>
internal static class KernelOptions
{
    /// <summary>
    /// When true, every elementwise, reduction, softmax and normalisation kernel takes its scalar
    /// path (no <c>Vector256</c>/<c>Vector512</c> code). Meant for tests that check SIMD and scalar
    /// results agree; it is read once per kernel call on the calling thread.
    /// </summary>
    public static bool DisableSimd { get; set; }
}
