namespace Tessera.Training.TensorBoard;

/// <summary>
/// Draws a confusion matrix as an RGB heatmap for <see cref="SummaryWriter.AddImage(string, PixelImage, long, double?)"/>:
/// one square cell per (true class row, predicted class column), in class order, shaded from white to dark blue by the
/// count's share of its row (so rare classes stay readable), with the count written in the cell when it fits.
/// </summary>
public static class ConfusionMatrixImage
{
    // A 3x5 bitmap font for 0-9: five rows of three bits, top row in the high bits.
    private static readonly ushort[] Digits =
    [
        0b111_101_101_101_111, 0b010_110_010_010_111, 0b111_001_111_100_111, 0b111_001_111_001_111, 0b101_101_111_001_001,
        0b111_100_111_001_111, 0b111_100_111_101_111, 0b111_001_001_001_001, 0b111_101_111_101_111, 0b111_101_111_001_111,
    ];

    private static ReadOnlySpan<byte> Dark => [8, 48, 107];
    private static ReadOnlySpan<byte> Grid => [200, 200, 200];

    /// <summary>
    /// Renders <paramref name="matrix"/> <c>// (C, C)</c>, rows = true class, columns = predicted class, counts ≥ 0.
    /// <paramref name="cellSize"/> is the cell's side in pixels; 0 picks 40 for up to 20 classes, smaller beyond, so
    /// the image stays near 800 pixels wide.
    /// </summary>
    /// <exception cref="ArgumentException">The matrix is empty or not square, or holds a negative count.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cellSize"/> is negative or above 512.</exception>
    public static PixelImage Render(long[,] matrix, int cellSize = 0)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.GetLength(0);
        if (n == 0 || matrix.GetLength(1) != n)
            throw new ArgumentException($"A confusion matrix is square with at least one class; got {n}x{matrix.GetLength(1)}.", nameof(matrix));
        if (cellSize is < 0 or > 512)
            throw new ArgumentOutOfRangeException(nameof(cellSize), cellSize, "The cell size is 0 (automatic) or 1 to 512 pixels.");
        if (cellSize == 0) cellSize = n <= 20 ? 40 : Math.Max(2, 800 / n);
        long side = (long)n * cellSize + 1;   // one grid line more than cells
        if (side * side * 3 > Array.MaxLength)
            throw new ArgumentException($"A {n}-class confusion matrix at {cellSize} pixels a cell is too large an image.", nameof(cellSize));

        int size = (int)side;
        var pixels = new byte[size * size * 3];
        for (int i = 0; i < pixels.Length; i += 3) Grid.CopyTo(pixels.AsSpan(i));
        Span<byte> color = stackalloc byte[3];
        for (int r = 0; r < n; r++)
        {
            long rowTotal = 0;
            for (int c = 0; c < n; c++)
            {
                long v = matrix[r, c];
                if (v < 0) throw new ArgumentException($"Confusion matrix counts are non-negative; entry [{r}, {c}] is {v}.", nameof(matrix));
                rowTotal += v;
            }
            for (int c = 0; c < n; c++)
            {
                double share = rowTotal == 0 ? 0 : (double)matrix[r, c] / rowTotal;
                for (int k = 0; k < 3; k++) color[k] = (byte)Math.Round(255 + (Dark[k] - 255) * share);
                int x0 = c * cellSize + 1, y0 = r * cellSize + 1, inner = Math.Max(cellSize - 1, 1);
                for (int y = y0; y < y0 + inner; y++)
                    for (int x = x0; x < x0 + inner; x++)
                        color.CopyTo(pixels.AsSpan((y * size + x) * 3));
                byte ink = share > 0.5 ? (byte)255 : (byte)0;
                DrawNumber(pixels, size, x0, y0, inner, matrix[r, c], ink);
            }
        }
        return new PixelImage(size, size, 3, pixels);
    }

    /// <summary>Renders a confusion-matrix tensor <c>// (C, C)</c> of any integer or float dtype (values rounded).</summary>
    /// <exception cref="ArgumentException">The tensor is not square 2-D.</exception>
    public static PixelImage Render(Tensor matrix, int cellSize = 0)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Rank != 2 || matrix.Shape[0] != matrix.Shape[1])
            throw new ArgumentException($"A confusion matrix tensor has shape (C, C); got ({string.Join(", ", matrix.ShapeArray())}).", nameof(matrix));
        int n = matrix.Shape[0];
        var values = matrix.Detach().ToDoubleArray();
        var counts = new long[n, n];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                counts[r, c] = (long)Math.Round(values[r * n + c]);
        return Render(counts, cellSize);
    }

    // Writes the count centred in the cell at scale 2 or 1, or not at all when it does not fit.
    private static void DrawNumber(byte[] pixels, int size, int x0, int y0, int inner, long value, byte ink)
    {
        string text = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int scale = 0;
        for (int s = 2; s >= 1 && scale == 0; s--)
            if (text.Length * 4 * s - s <= inner - 2 && 5 * s <= inner - 2) scale = s;
        if (scale == 0) return;
        int width = text.Length * 4 * scale - scale;
        int left = x0 + (inner - width) / 2, top = y0 + (inner - 5 * scale) / 2;
        for (int d = 0; d < text.Length; d++)
        {
            ushort glyph = Digits[text[d] - '0'];
            for (int gy = 0; gy < 5; gy++)
                for (int gx = 0; gx < 3; gx++)
                {
                    if ((glyph >> (14 - (gy * 3 + gx)) & 1) == 0) continue;
                    for (int sy = 0; sy < scale; sy++)
                        for (int sx = 0; sx < scale; sx++)
                        {
                            int x = left + d * 4 * scale + gx * scale + sx, y = top + gy * scale + sy;
                            pixels.AsSpan((y * size + x) * 3, 3).Fill(ink);
                        }
                }
        }
    }
}
