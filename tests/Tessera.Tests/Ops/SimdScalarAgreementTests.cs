using Tessera.Kernels.Operators;
using Tessera.Testing;
using Tessera.Tests.Support;

namespace Tessera.Tests.Ops;

/// <summary>Every table op gives the same result (within float tolerance) on the vector paths and with SIMD disabled.</summary>
/// <remarks>
/// <c>KernelOptions.DisableSimd</c> is process-wide: the class runs in <see cref="GlobalStateCollection"/>, which
/// xunit runs alone, and <see cref="Run"/> restores the switch in a <c>finally</c> even when an op throws.
/// </remarks>
[Collection(GlobalStateCollection.Name)]
public class SimdScalarAgreementTests
{
    public static IEnumerable<object[]> UnaryNames() => OpTable.Unaries.Select(u => new object[] { u.Name });

    private static double[] Run(Func<Tensor> f, bool disableSimd)
    {
        bool saved = KernelOptions.DisableSimd;
        KernelOptions.DisableSimd = disableSimd;
        try { return f().ToDoubleArray(); }
        finally { KernelOptions.DisableSimd = saved; }
    }

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void UnaryOpsAgree(string name)
    {
        var op = OpTable.Unaries.Single(u => u.Name == name);
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
        foreach (int n in new[] { 1, 15, 17, 33, 1000, 40_001 })
        {
            var x = Tensor.Rand([n], new Generator((ulong)n), DType.Float64).Mul(op.Hi - op.Lo).Add(op.Lo).To(dt);
            var simd = Run(() => op.Fn(x), false);
            var scalar = Run(() => op.Fn(x), true);
            double tol = dt == DType.Float32 ? 2e-6 : 1e-13;
            TensorAssert.Close(scalar, simd, tol, tol, $"{name} {dt} n={n}");
        }
    }

    [Fact]
    public void ReductionsAndSoftmaxAgree()
    {
        var x = Tensor.Randn([37, 129], new Generator(4));
        Func<Tensor>[] ops = [() => x.Sum(1), () => x.Sum(0), () => x.Max(1).Values, () => x.Var([0]), () => x.LogSumExp(1), () => x.Softmax(1), () => x.LogSoftmax(0)];
        foreach (var f in ops) TensorAssert.Close(Run(f, true), Run(f, false), 1e-5, 1e-5, "reduction");
    }
}
