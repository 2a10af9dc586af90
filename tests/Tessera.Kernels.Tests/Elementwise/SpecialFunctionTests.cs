using Tessera.Kernels.Elementwise;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Elementwise;

/// <summary>erf and the normal CDF against 20-digit values computed with mpmath (pasted as data).</summary>
public class SpecialFunctionTests
{
    private static readonly double[][] ErfTable =
    [
        [0.0, 0.0],
        [1e-300, 1.1283791670955126022e-300],
        [1e-10, 1.128379167095512615e-10],
        [1e-05, 0.000011283791670579000273],
        [0.01, 0.011283415555849617151],
        [0.1, 0.1124629160182848984],
        [0.25, 0.27632639016823693299],
        [0.5, 0.52049987781304653768],
        [0.75, 0.7111556336535151316],
        [0.9, 0.79690821242283213966],
        [1.0, 0.84270079294971486934],
        [1.1, 0.88020506957408172966],
        [1.25, 0.92290012825645823014],
        [1.5, 0.96610514647531072707],
        [1.75, 0.98667167121918244377],
        [2.0, 0.99532226501895273416],
        [2.25, 0.9985372834133188483],
        [2.5, 0.99959304798255504106],
        [2.75, 0.99989937807788036316],
        [3.0, 0.99997790950300141456],
        [3.3, 0.99999694229020356183],
        [3.7, 0.99999983284894209085],
        [4.0, 0.99999998458274209972],
        [4.5, 0.99999999980338395585],
        [5.0, 0.99999999999846254021],
        [5.5, 0.99999999999999264215],
        [5.9, 0.9999999999999999281],
        [6.0, 0.99999999999999997848],
        [6.5, 0.99999999999999999996],
        [-0.3, -0.32862675945912741619],
        [-1.7, -0.98379045859077456084],
        [-4.2, -0.99999999714450582041],
    ];

    private static readonly double[][] NormalCdfTable =
    [
        [-1.0, 0.15865525393145705141],
        [-3.0, 0.0013498980316300945267],
        [-5.0, 2.8665157187919391167e-7],
        [-7.0, 1.2798125438858350044e-12],
        [-8.0, 6.2209605742717841235e-16],
        [-9.0, 1.1285884059538406477e-19],
        [-10.0, 7.619853024160526066e-24],
        [-12.0, 1.7764821120776789977e-33],
        [-20.0, 2.7536241186062336951e-89],
        [0.5, 0.69146246127401310364],
        [2.0, 0.9772498680518207928],
        [6.0, 0.99999999901341235496],
    ];

    [Fact]
    public void ScalarErfIsAccurateToAFewUlpInDouble()
    {
        foreach (double[] row in ErfTable)
            KernelAssert.Close(row[1], ScalarMath.Erf(row[0]), 4e-16, 1e-300, $"erf({row[0]})");
    }

    [Fact]
    public void ScalarNormalCdfKeepsRelativeAccuracyInTheTail()
    {
        foreach (double[] row in NormalCdfTable)
            KernelAssert.Close(row[1], ScalarMath.NormalCdf(row[0]), 2e-15, 0, $"Phi({row[0]})");
    }

    [Fact]
    public void TestReferenceErfIsItselfAccurate()
    {
        foreach (double[] row in ErfTable)
            KernelAssert.Close(row[1], ReferenceMath.Erf(row[0]), 2e-14, 1e-300, $"reference erf({row[0]})");
    }

    [Fact]
    public void VectorFloatErfMeetsItsBound()
    {
        // 32 values: two full vectors, so every one runs through the vector (table) path.
        var x = new float[32]; var y = new float[32]; var yd = new double[32];
        for (int i = 0; i < 32; i++) x[i] = (float)ErfTable[i % ErfTable.Length][0];
        UnaryMath.Erf<float>(x, y);
        UnaryMath.Erf<double>(Array.ConvertAll(x, v => (double)v), yd);
        for (int i = 0; i < 32; i++)
        {
            double exact = ReferenceMath.Erf(x[i]);
            KernelAssert.Close(exact, y[i], 3e-7, 1.2e-7, $"float erf({x[i]})");
            KernelAssert.Close(exact, yd[i], 2e-14, 1e-300, $"double erf({x[i]})"); // limited by the series reference
        }
    }
}
