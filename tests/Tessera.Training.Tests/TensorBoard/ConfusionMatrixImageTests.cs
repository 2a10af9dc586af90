using Tessera.Training.TensorBoard;

namespace Tessera.Training.Tests.TensorBoard;

public sealed class ConfusionMatrixImageTests
{
    private static (byte R, byte G, byte B) At(PixelImage image, int x, int y)
    {
        var p = image.Pixels.Slice((y * image.Width + x) * 3, 3);
        return (p[0], p[1], p[2]);
    }

    [Fact]
    public void CellsAreShadedByTheirShareOfTheRow()
    {
        // Row 0: all in column 0; row 1: half and half; row 2: empty.
        var image = ConfusionMatrixImage.Render(new long[,] { { 4, 0, 0 }, { 3, 3, 0 }, { 0, 0, 0 } }, cellSize: 10);
        Assert.Equal((31, 31, 3), (image.Height, image.Width, image.Channels));
        Assert.Equal(((byte)200, (byte)200, (byte)200), At(image, 0, 0));              // grid line
        Assert.Equal(((byte)8, (byte)48, (byte)107), At(image, 1, 1));                 // share 1: dark blue (corner, no digit)
        Assert.Equal(((byte)255, (byte)255, (byte)255), At(image, 12, 1));             // share 0: white
        var half = At(image, 11, 11);                                                    // row 1, column 1, share 0.5
        Assert.Equal(((byte)Math.Round(255 + (8 - 255) * 0.5), (byte)Math.Round(255 + (48 - 255) * 0.5), (byte)Math.Round(255 + (107 - 255) * 0.5)), half);
        Assert.Equal(((byte)255, (byte)255, (byte)255), At(image, 25, 25));            // empty row stays white
    }

    [Fact]
    public void CountsAreDrawnInTheCells()
    {
        var withDigits = ConfusionMatrixImage.Render(new long[,] { { 7, 0 }, { 0, 0 } }, cellSize: 40);
        var cell = Enumerable.Range(1, 39).SelectMany(y => Enumerable.Range(1, 39).Select(x => At(withDigits, x, y))).ToList();
        Assert.Contains(((byte)255, (byte)255, (byte)255), cell);   // white ink on the dark cell
        var zeroCell = Enumerable.Range(1, 39).SelectMany(y => Enumerable.Range(41, 39).Select(x => At(withDigits, x, y))).ToList();
        Assert.Contains(((byte)0, (byte)0, (byte)0), zeroCell);     // "0" in black on white
    }

    [Fact]
    public void TensorOverloadMatchesTheArrayOne()
    {
        var counts = new long[,] { { 1, 2 }, { 3, 4 } };
        var fromTensor = ConfusionMatrixImage.Render(Tensor.FromArray(new long[] { 1, 2, 3, 4 }, [2, 2]), 12);
        Assert.Equal(ConfusionMatrixImage.Render(counts, 12).Pixels.ToArray(), fromTensor.Pixels.ToArray());
    }

    [Fact]
    public void AutomaticCellSizeKeepsLargeMatricesNear800Pixels()
    {
        Assert.Equal(401, ConfusionMatrixImage.Render(new long[10, 10]).Width);
        Assert.Equal(801, ConfusionMatrixImage.Render(new long[100, 100]).Width);
    }

    [Fact]
    public void BadMatricesAreRejected()
    {
        Assert.Contains("got 2x3", Assert.Throws<ArgumentException>(() => ConfusionMatrixImage.Render(new long[2, 3])).Message);
        Assert.Throws<ArgumentException>(() => ConfusionMatrixImage.Render(new long[0, 0]));
        Assert.Contains("entry [1, 0] is -1", Assert.Throws<ArgumentException>(() => ConfusionMatrixImage.Render(new long[,] { { 1, 0 }, { -1, 2 } })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionMatrixImage.Render(new long[2, 2], -1));
        Assert.Throws<ArgumentException>(() => ConfusionMatrixImage.Render(Tensor.Zeros([2, 3])));
    }
}
