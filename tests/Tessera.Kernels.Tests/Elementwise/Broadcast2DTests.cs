using Tessera.Kernels.Elementwise;
using Tessera.Kernels.Operators;
using Tessera.Kernels.Tests.Support;
using static Tessera.Kernels.Operators.ArithmeticOperators;

namespace Tessera.Kernels.Tests.Elementwise;

public class Broadcast2DTests
{
    public static TheoryData<int, int> Shapes() => new() { { 0, 5 }, { 1, 1 }, { 3, 17 }, { 17, 3 }, { 5, 64 }, { 700, 130 }, { 40000, 3 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RowAndColumnBroadcastMatchScalarLoops(int rows, int cols)
    {
        float[] x = TestData.Uniform<float>(rows * cols, 0.5, 3, rows), row = TestData.Uniform<float>(cols, 0.5, 3, cols), col = TestData.Uniform<float>(rows, 0.5, 3, rows + 1);
        var got = new float[rows * cols];
        Check(new Add<float>(), (a, b) => a + b, "add");
        Check(new Subtract<float>(), (a, b) => a - b, "sub");
        Check(new Multiply<float>(), (a, b) => a * b, "mul");
        Check(new Divide<float>(), (a, b) => a / b, "div");
        Check(new Pow<float>(), MathF.Pow, "pow");
        Check(new Maximum<float>(), (a, b) => a < b || float.IsNaN(b) ? b : a, "max");
        Check(new Minimum<float>(), (a, b) => a > b || float.IsNaN(b) ? b : a, "min");

        void Check<TOp>(TOp op, Func<float, float, float> apply, string name) where TOp : struct, IBinaryOperator<float>
        {
            foreach (bool left in new[] { false, true })
            {
                Broadcast2D.WithRow(op, x, rows, cols, row, got, left);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < cols; c++)
                    {
                        float e = left ? apply(row[c], x[r * cols + c]) : apply(x[r * cols + c], row[c]);
                        if (!e.Equals(got[r * cols + c])) Assert.Fail($"row {name} left={left} at ({r},{c}): expected {e}, got {got[r * cols + c]}");
                    }
                Broadcast2D.WithColumn(op, x, rows, cols, col, got, left);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < cols; c++)
                    {
                        float e = left ? apply(col[r], x[r * cols + c]) : apply(x[r * cols + c], col[r]);
                        if (!e.Equals(got[r * cols + c])) Assert.Fail($"column {name} left={left} at ({r},{c}): expected {e}, got {got[r * cols + c]}");
                    }
            }
        }
    }

    [Fact]
    public void WrongVectorLengthThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => Broadcast2D.WithRow(new Add<float>(), new float[6], 2, 3, new float[2], new float[6]));
        Assert.Equal("row", ex.ParamName);
    }
}
