namespace Tessera.Training.TensorBoard;

/// <summary>
/// An 8-bit image in row-major <c>// (H, W, C)</c> layout, C = 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA): what
/// <see cref="SummaryWriter.AddImage(string, PixelImage, long, double?)"/> logs and <see cref="PngEncoder"/> encodes.
/// </summary>
public sealed class PixelImage
{
    private readonly byte[] _pixels;

    /// <summary>Wraps a copy of <paramref name="pixels"/> (height × width × channels bytes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or <paramref name="channels"/> is not 1 to 4.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> has the wrong length.</exception>
    public PixelImage(int height, int width, int channels, ReadOnlySpan<byte> pixels)
    {
        Validate(pixels.Length, height, width, channels);
        Height = height;
        Width = width;
        Channels = channels;
        _pixels = pixels.ToArray();
    }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Bytes per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels { get; }

    /// <summary>The pixels, row-major <c>// (H, W, C)</c>.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The image as a PNG file.</summary>
    public byte[] ToPng() => PngEncoder.Encode(_pixels, Height, Width, Channels);

    /// <summary>
    /// An image from a tensor in PyTorch's layout: <c>// (H, W)</c> gray or <c>// (C, H, W)</c> with C = 1, 3 or 4.
    /// Floating-point values are taken as 0..1 and scaled to 0..255; integer values as 0..255. Both are rounded and
    /// clamped, so an out-of-range pixel saturates instead of wrapping.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has another rank or channel count.</exception>
    public static PixelImage FromTensor(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int c, h, w;
        if (image.Rank == 2) (c, h, w) = (1, image.Shape[0], image.Shape[1]);
        else if (image.Rank == 3) (c, h, w) = (image.Shape[0], image.Shape[1], image.Shape[2]);
        else throw new ArgumentException($"An image tensor has shape (H, W) or (C, H, W); got ({string.Join(", ", image.ShapeArray())}).", nameof(image));
        if (c is not (1 or 3 or 4))
            throw new ArgumentException($"An image tensor (C, H, W) has 1, 3 or 4 channels; got {c}.", nameof(image));
        Validate(checked(c * h * w), h, w, c);
        bool isFloat = image.DType.IsFloatingPoint();
        var values = image.Detach().ToDoubleArray();   // (C, H, W)
        var pixels = new byte[values.Length];
        int plane = h * w;
        for (int ch = 0; ch < c; ch++)
        {
            for (int i = 0; i < plane; i++)
            {
                double v = values[ch * plane + i];
                if (isFloat) v *= 255.0;
                pixels[i * c + ch] = double.IsNaN(v) ? (byte)0 : (byte)Math.Clamp(Math.Round(v), 0, 255);
            }
        }
        return new PixelImage(h, w, c, pixels);
    }

    /// <summary>
    /// Tiles images into one, row by row, <paramref name="columns"/> to a row, as torchvision's <c>make_grid</c>: each
    /// in a cell the size of the largest, top-left aligned, with <paramref name="padding"/> pixels of
    /// <paramref name="background"/> around and between cells. For logging a batch of sample predictions as one image.
    /// </summary>
    /// <exception cref="ArgumentException">No images, or images with different channel counts.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="columns"/> below 1 or <paramref name="padding"/> negative.</exception>
    public static PixelImage Grid(IReadOnlyList<PixelImage> images, int columns = 8, int padding = 2, byte background = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("A grid needs at least one image; got none.", nameof(images));
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        int c = images[0].Channels;
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i] is null) throw new ArgumentException($"Image {i} is null.", nameof(images));
            if (images[i].Channels != c)
                throw new ArgumentException($"Grid images share one channel count; image 0 has {c}, image {i} has {images[i].Channels}.", nameof(images));
        }
        int cellH = images.Max(im => im.Height), cellW = images.Max(im => im.Width);
        int cols = Math.Min(columns, images.Count), rows = (images.Count + cols - 1) / cols;
        long height = (long)rows * (cellH + padding) + padding, width = (long)cols * (cellW + padding) + padding;
        if (height * width * c > Array.MaxLength)
            throw new ArgumentException($"A grid of {images.Count} images of up to {cellH}x{cellW} is too large an image.", nameof(images));
        var pixels = new byte[height * width * c];
        pixels.AsSpan().Fill(background);
        for (int i = 0; i < images.Count; i++)
        {
            var im = images[i];
            int top = padding + i / cols * (cellH + padding), left = padding + i % cols * (cellW + padding);
            int rowBytes = im.Width * c;
            for (int y = 0; y < im.Height; y++)
                im._pixels.AsSpan(y * rowBytes, rowBytes).CopyTo(pixels.AsSpan((int)(((top + y) * width + left) * c)));
        }
        return new PixelImage((int)height, (int)width, c, pixels);
    }

    internal static void Validate(int length, int height, int width, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (channels is < 1 or > 4)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "An image has 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA) channels.");
        long expected = (long)height * width * channels;
        if (length != expected)
            throw new ArgumentException($"An image of {height}x{width}x{channels} needs {expected} bytes; got {length}.", "pixels");
    }
}
