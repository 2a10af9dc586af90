using Tessera.Training.TensorBoard;

namespace Tessera.Training.Tests.TensorBoard;

public sealed class PngEncoderTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 1)]
    [InlineData(4, 3, 2)]
    [InlineData(7, 9, 3)]
    [InlineData(2, 6, 4)]
    public void DecodesBackToThePixels(int height, int width, int channels)
    {
        var pixels = new byte[height * width * channels];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 29 + 200);
        var png = PngEncoder.Encode(pixels, height, width, channels);
        var (h, w, c, decoded) = PngTestDecoder.Decode(png);
        Assert.Equal((height, width, channels), (h, w, c));
        Assert.Equal(pixels, decoded);
    }

    [Fact]
    public void RejectsBadSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(new byte[3], 0, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(new byte[3], 1, 1, 5));
        var ex = Assert.Throws<ArgumentException>(() => PngEncoder.Encode(new byte[5], 1, 2, 3));
        Assert.Contains("needs 6 bytes; got 5", ex.Message);
    }

    [Fact]
    public void PixelImageFromTensorScalesFloatsAndTransposesChannels()
    {
        // (C=3, H=1, W=2): pixel 0 = (0, 0.5, 1), pixel 1 = (1.2 -> 255, -0.1 -> 0, 0.25 -> 64)
        var t = Tensor.FromArray(new float[] { 0f, 1.2f, 0.5f, -0.1f, 1f, 0.25f }, [3, 1, 2]);
        var image = PixelImage.FromTensor(t);
        Assert.Equal((1, 2, 3), (image.Height, image.Width, image.Channels));
        Assert.Equal(new byte[] { 0, 128, 255, 255, 0, 64 }, image.Pixels.ToArray());
    }

    [Fact]
    public void PixelImageFromTensorRejectsOtherShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => PixelImage.FromTensor(Tensor.Zeros([2, 2, 2])));
        Assert.Contains("1, 3 or 4 channels; got 2", ex.Message);
        Assert.Throws<ArgumentException>(() => PixelImage.FromTensor(Tensor.Zeros([4])));
    }
}
