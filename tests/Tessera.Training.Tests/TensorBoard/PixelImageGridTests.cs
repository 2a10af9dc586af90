using Tessera.Training.TensorBoard;

namespace Tessera.Training.Tests.TensorBoard;

public sealed class PixelImageGridTests
{
    [Fact]
    public void TilesRowByRowWithPadding()
    {
        var a = new PixelImage(1, 2, 1, [10, 11]);
        var b = new PixelImage(2, 1, 1, [20, 21]);
        var c = new PixelImage(1, 1, 1, [30]);
        // Cells 2x2, two columns, padding 1: width 1+2+1+2+1 = 7, height 1+2+1+2+1 = 7.
        var grid = PixelImage.Grid([a, b, c], columns: 2, padding: 1, background: 255);
        Assert.Equal((7, 7, 1), (grid.Height, grid.Width, grid.Channels));
        byte[] expected =
        [
            255, 255, 255, 255, 255, 255, 255,
            255,  10,  11, 255,  20, 255, 255,
            255, 255, 255, 255,  21, 255, 255,
            255, 255, 255, 255, 255, 255, 255,
            255,  30, 255, 255, 255, 255, 255,
            255, 255, 255, 255, 255, 255, 255,
            255, 255, 255, 255, 255, 255, 255,
        ];
        Assert.Equal(expected, grid.Pixels.ToArray());
    }

    [Fact]
    public void RejectsMixedChannelsAndEmptyLists()
    {
        var gray = new PixelImage(1, 1, 1, [0]);
        var rgb = new PixelImage(1, 1, 3, [0, 0, 0]);
        Assert.Contains("image 1 has 3", Assert.Throws<ArgumentException>(() => PixelImage.Grid([gray, rgb])).Message);
        Assert.Throws<ArgumentException>(() => PixelImage.Grid([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelImage.Grid([gray], columns: 0));
    }
}
