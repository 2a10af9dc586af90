using Tessera.Kernels.Elementwise;
using Tessera.Kernels.Tests.Support;

namespace Tessera.Kernels.Tests.Elementwise;

public class Broadcast2DTests
{
    private static float Apply(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Subtract => a - b,
        BinaryOp.Multiply => a * b,
        BinaryOp.Divide => a / b,
        BinaryOp.Pow => MathF.Pow(a, b),
        BinaryOp.Maximum => a < b || float.IsNaN(b) ? b : a,
        _ => a > b || float.IsNaN(b) ? b : a,
    };

    public static TheoryData<int, int> Shapes() => new() { { 0, 5 }, { 1, 1 }, { 3, 17 }, { 17, 3 }, { 5, 64 }, { 700, 130 }, { 40000, 3 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RowAndColumnBroadcastMatchScalarLoops(int rows, int cols)
    {
        float[] x = TestData.Uniform<float>(rows * cols, 0.5, 3, rows), row = TestData.Uniform<float>(cols, 0.5, 3, cols), col = TestData.Uniform<float>(rows, 0.5, 3, rows + 1);
        var got = new float[rows * cols];
        foreach (BinaryOp op in Enum.GetValues<BinaryOp>())
        {
            foreach (bool left in new[] { false, true })
            {
                Broadcast2D.WithRow<float>(op, x, rows, cols, row, got, left);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < cols; c++)
                    {
                        float e = left ? Apply(op, row[c], x[r * cols + c]) : Apply(op, x[r * cols + c], row[c]);
                        if (!e.Equals(got[r * cols + c])) Assert.Fail($"row {op} left={left} at ({r},{c}): expected {e}, got {got[r * cols + c]}");
                    }
                Broadcast2D.WithColumn<float>(op, x, rows, cols, col, got, left);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < cols; c++)
                    {
                        float e = left ? Apply(op, col[r], x[r * cols + c]) : Apply(op, x[r * cols + c], col[r]);
                        if (!e.Equals(got[r * cols + c])) Assert.Fail($"column {op} left={left} at ({r},{c}): expected {e}, got {got[r * cols + c]}");
                    }
            }
        }
    }

    [Fact]
    public void WrongVectorLengthThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => Broadcast2D.WithRow<float>(BinaryOp.Add, new float[6], 2, 3, new float[2], new float[6]));
        Assert.Equal("row", ex.ParamName);
    }
}
