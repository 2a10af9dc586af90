using Tessera.Testing;

namespace Tessera.Tests.Autograd;

public class AutogradTests
{
    private static Tensor R(params int[] shape) => Tensor.Randn(shape, new Generator(7), DType.Float64, requiresGrad: true);

    [Fact]
    public void MlpGradientsMatchFiniteDifferences()
    {
        var x = R(4, 5);
        var w1 = R(3, 5);
        var b1 = R(3);
        var w2 = R(2, 3);
        GradCheck.Check(t => Tensor.Linear(Tensor.Linear(t[0], t[1], t[2]).Tanh(), t[3]).Softmax(-1), [x, w1, b1, w2]);
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var x = Tensor.FromArray([1.0, 2.0, 3.0], requiresGrad: true);
        x.Mul(x).Sum().Backward();
        x.Mul(x).Sum().Backward();
        TensorAssert.Close([4, 8, 12], x.Grad!, 0, 0);
    }

    [Fact]
    public void SecondBackwardThroughFreedGraphThrows()
    {
        var x = Tensor.FromArray([1.0, 2.0], requiresGrad: true);
        var y = x.Exp().Sum();
        y.Backward();
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("second time", ex.Message);
    }

    [Fact]
    public void RetainGraphAllowsSecondBackward()
    {
        var x = Tensor.FromArray([1.0, 2.0], requiresGrad: true);
        var y = x.Mul(x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        TensorAssert.Close([4, 8], x.Grad!, 0, 0);
    }

    [Fact]
    public void BackwardFromNonScalarNeedsGradient()
    {
        var x = Tensor.FromArray([1.0, 2.0], requiresGrad: true);
        var y = x.Mul(3.0);
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("[2]", ex.Message);
        y.Backward(Tensor.FromArray([1.0, 10.0]));
        TensorAssert.Close([3, 30], x.Grad!, 0, 0);
    }

    [Fact]
    public void NoGradDoesNotRecord()
    {
        var x = Tensor.FromArray([1.0f, 2.0f], requiresGrad: true);
        Tensor y;
        using (GradMode.NoGrad()) y = x.Mul(2.0);
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
    }

    [Fact]
    public void DetachCutsHistory()
    {
        var x = Tensor.FromArray([1.0, 2.0], requiresGrad: true);
        var y = x.Mul(x).Detach().Mul(x).Sum();
        y.Backward();
        TensorAssert.Close([1, 4], x.Grad!, 0, 0);
    }

    [Fact]
    public void InPlaceOnLeafRequiringGradThrowsOutsideNoGrad()
    {
        var x = Tensor.Zeros([2], requiresGrad: true);
        Assert.Throws<InvalidOperationException>(() => x.Add_(Tensor.Ones([2])));
        using (GradMode.NoGrad()) x.Add_(Tensor.Ones([2]));
        TensorAssert.Close([1, 1], x, 0, 0);
    }

    [Fact]
    public void SharedSubexpressionGetsSummedGradient()
    {
        var x = Tensor.FromArray([2.0], requiresGrad: true);
        var a = x.Mul(3.0);
        var y = a.Mul(a).Add(a).Sum();  // 9x² + 3x → 18x + 3
        y.Backward();
        TensorAssert.Close([39], x.Grad!, 1e-12, 0);
    }
}
