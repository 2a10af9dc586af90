using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Elementwise;

/// <summary>
/// One row of the unary table: the kernel for float and double, a scalar reference per type, the
/// input range, and the tolerance |got - ref| &lt;= Abs + Rel * |ref| per type.
/// </summary>
internal sealed record UnaryCase(
    string Name, double Lo, double Hi,
    SpanUnary<float> KernelF, Func<float, float> RefF, double RelF, double AbsF,
    SpanUnary<double> KernelD, Func<double, double> RefD, double RelD, double AbsD);
