using System.Globalization;
using System.Text;

namespace Tessera;

public partial class Tensor
{
    private const int SummaryThreshold = 1000;
    private const int EdgeItems = 3;

    /// <summary>
    /// PyTorch-style printout, e.g. <c>tensor([[1.0000, 2.0000], [3.0000, 4.0000]], requires_grad=True)</c>.
    /// Large tensors show their first and last 3 entries per dim.
    /// </summary>
    public override string ToString()
    {
        if (Storage.IsReleased) return $"tensor(<released>, shape={ShapeUtil.Format(Shape)})";
        // Printing converts every element to double: beyond a span's reach only the description is shown.
        if (IsHuge) return $"tensor(<{Numel} elements>, shape={ShapeUtil.Format(Shape)}, dtype={DType.Name()})";
        var values = ToDoubleArray();
        bool summarize = Numel > SummaryThreshold;
        bool isFloat = DType.IsFloatingPoint();
        bool allIntegral = true;
        double maxAbs = 0;
        foreach (double v in values)
        {
            if (double.IsFinite(v)) maxAbs = Math.Max(maxAbs, Math.Abs(v));
            if (v != Math.Floor(v) && double.IsFinite(v)) allIntegral = false;
        }
        bool scientific = isFloat && (maxAbs >= 1e8 || (maxAbs > 0 && maxAbs < 1e-4));
        string Fmt(double v)
        {
            if (DType == DType.Bool) return v != 0 ? "True" : "False";
            if (!isFloat) return ((long)v).ToString(CultureInfo.InvariantCulture);
            if (double.IsNaN(v)) return "nan";
            if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
            if (scientific) return v.ToString("0.0000e+00", CultureInfo.InvariantCulture);
            if (allIntegral) return v.ToString("0", CultureInfo.InvariantCulture) + ".";
            return v.ToString("0.0000", CultureInfo.InvariantCulture);
        }
        var cells = new string[values.Length];
        int width = 0;
        for (int i = 0; i < values.Length; i++)
        {
            cells[i] = Fmt(values[i]);
            width = Math.Max(width, cells[i].Length);
        }
        var sb = new StringBuilder("tensor(");
        if (Rank == 0) sb.Append(cells[0]);
        else Format(sb, 0, 0, width, cells, summarize, "tensor(".Length);
        if (DType != DType.Float32 && DType != DType.Int64 && DType != DType.Bool) sb.Append(", dtype=").Append(DType.Name());
        if (Numel == 0 && Rank > 0) sb.Append(", size=(").Append(string.Join(", ", _shape.Select(s => s.ToString(CultureInfo.InvariantCulture)))).Append(')');
        if (GradFn is not null) sb.Append(", grad_fn=<").Append(GradFn.Name).Append('>');
        else if (RequiresGrad) sb.Append(", requires_grad=True");
        return sb.Append(')').ToString();
    }

    private void Format(StringBuilder sb, int dim, int flatStart, int width, string[] cells, bool summarize, int indent)
    {
        int size = _shape[dim];
        int block = 1;
        for (int d = dim + 1; d < Rank; d++) block *= _shape[d];
        sb.Append('[');
        for (int i = 0; i < size; i++)
        {
            if (summarize && size > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(dim == Rank - 1 ? "..., " : "...,\n" + new string(' ', indent + 1));
                i = size - EdgeItems;
            }
            if (dim == Rank - 1) sb.Append(cells[flatStart + i].PadLeft(width));
            else Format(sb, dim + 1, flatStart + i * block, width, cells, summarize, indent + 1);
            if (i < size - 1)
            {
                sb.Append(',');
                if (dim == Rank - 1) sb.Append(' ');
                else sb.Append('\n', Rank - 1 - dim).Append(' ', indent + 1);
            }
        }
        sb.Append(']');
    }
}
