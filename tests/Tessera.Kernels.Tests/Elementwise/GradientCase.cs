using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Elementwise;

/// <summary>
/// One backward helper: kernels (g, saved) -> dx, the double forward function, whether the saved
/// operand is the forward output (else the input), and the reference derivative as a function of
/// (g, saved). <see cref="Smooth"/> cases are also checked against central differences of the forward kernel.
/// </summary>
internal sealed record GradientCase(
    string Name, double Lo, double Hi, bool FromOutput, bool Smooth,
    Func<double, double> Forward, SpanUnary<double> ForwardKernel,
    SpanBinary<float> KernelF, SpanBinary<double> KernelD, Func<double, double, double> Ref,
    double RelF, double AbsF);
