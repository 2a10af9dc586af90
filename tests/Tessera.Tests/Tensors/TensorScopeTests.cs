namespace Tessera.Tests.Tensors;

public class TensorScopeTests
{
    [Fact]
    public void GradientFirstCreatedInsideAScopeOutlivesIt()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3 }).RequiresGrad_();
        Tensor y;
        using (TensorScope.Begin())
        {
            y = x.Mul(x);
            y.Sum().Backward();   // creates x.Grad = 2x
        }
        Assert.Throws<ObjectDisposedException>(() => y.ToArray<float>());
        Assert.Equal([2f, 4f, 6f], x.Grad!.ToArray<float>());
        using (TensorScope.Begin()) x.Mul(3.0).Sum().Backward();   // accumulates in place into the same gradient
        Assert.Equal([5f, 7f, 9f], x.Grad!.ToArray<float>());
    }

    [Fact]
    public void SuspendedRegionCreatesTensorsNoScopeOwns()
    {
        Tensor temp, state;
        using (TensorScope.Begin())
        {
            temp = Tensor.Ones([2]);
            using (TensorScope.Suspend()) state = Tensor.Full([2], 4.0);
            Assert.False(state.Storage.IsReleased);
        }
        Assert.True(temp.Storage.IsReleased);
        Assert.Equal([4.0, 4.0], state.ToDoubleArray());
    }

    [Fact]
    public void ScopeInsideASuspensionMustEndFirst()
    {
        using var outer = TensorScope.Begin();
        var suspension = TensorScope.Suspend();
        var inner = TensorScope.Begin();
        var ex = Assert.Throws<InvalidOperationException>(suspension.Dispose);
        Assert.Equal("A TensorScope begun inside TensorScope.Suspend() must be disposed before the suspension.", ex.Message);
        inner.Dispose();
        suspension.Dispose();
        var t = Tensor.Ones([1]);   // tracked by the outer scope again
        outer.Dispose();
        Assert.True(t.Storage.IsReleased);
    }

    [Fact]
    public void PersistedStorageIsNeverReleasedByTheScopeThatCreatedIt()
    {
        Tensor adopted;
        using (TensorScope.Begin())
        using (TensorScope.Begin())
        {
            adopted = Tensor.Ones([3]);
            TensorScope.Persist(adopted);
        }
        Assert.True(adopted.Storage.IsState);
        Assert.Equal([1.0, 1.0, 1.0], adopted.ToDoubleArray());
    }

    [Fact]
    public void ReleaseGradFreesOnlyTheGradientAutogradAllocated()
    {
        var x = Tensor.Ones([2]).RequiresGrad_();
        x.Sum().Backward();
        var grad = x.Grad!;
        x.ReleaseGrad();
        Assert.Null(x.Grad);
        Assert.True(grad.Storage.IsReleased);   // back in the pool for the next backward

        var mine = Tensor.Full([2], 3.0);
        x.Grad = mine;
        x.ReleaseGrad();
        Assert.Null(x.Grad);
        Assert.Equal([3.0, 3.0], mine.ToDoubleArray());   // a user-assigned gradient is the user's
    }

    [Fact]
    public void AStepThatThrowsStillFreesItsTemporaries()
    {
        Tensor temp = null!;
        Action step = () =>
        {
            using var scope = TensorScope.Begin();
            temp = Tensor.Ones([4]).Mul(2.0);
            throw new InvalidOperationException("step failed");
        };
        Assert.Throws<InvalidOperationException>(step);
        Assert.True(temp.Storage.IsReleased);
    }
}
