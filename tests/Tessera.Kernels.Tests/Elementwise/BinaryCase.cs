using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Elementwise;

/// <summary>One row of the binary table (see <see cref="UnaryCase"/>); inputs x in [Lo, Hi], y in [YLo, YHi].</summary>
internal sealed record BinaryCase(
    string Name, double Lo, double Hi, double YLo, double YHi,
    SpanBinary<float> KernelF, Func<float, float, float> RefF, double RelF,
    SpanBinary<double> KernelD, Func<double, double, double> RefD, double RelD);
