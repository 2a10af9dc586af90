using Tessera.Cli.Commands;

namespace Tessera.Cli.Tests.Commands;

public class TrainLinregTests
{
    [Fact]
    public void LeastSquaresOfExactLine()
    {
        var (w, b) = TrainCommand.LeastSquares([0f, 1f, 2f, 3f], [1f, 3f, 5f, 7f]);
        Assert.Equal(2.0, w, 10);
        Assert.Equal(1.0, b, 10);
    }

    [Fact]
    public void GradientDescentReachesClosedForm()
    {
        var r = TrainCommand.FitLinreg(steps: 3000, lr: 0.1, seed: 0);
        Assert.Equal(r.ClosedFormW, r.W, 3);
        Assert.Equal(r.ClosedFormB, r.B, 3);
        // The noise is N(0, 1) over 100 points, so the fit is near the true line.
        Assert.InRange(r.ClosedFormW, 2.4, 3.6);
        Assert.InRange(r.ClosedFormB, 3.4, 4.6);
    }
}
