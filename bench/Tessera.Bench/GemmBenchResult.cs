using System.Globalization;

namespace Tessera.Bench;

/// <summary>One measured matrix product: C(m, n) = op(A)(m, k)·op(B)(k, n).</summary>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">Inner dimension.</param>
/// <param name="TransA">Whether A is stored transposed.</param>
/// <param name="TransB">Whether B is stored transposed.</param>
/// <param name="Seconds">Best time of one product.</param>
/// <param name="Label">What the product is (for tables), e.g. "forward X·W".</param>
public sealed record GemmBenchResult(int M, int N, int K, bool TransA, bool TransB, double Seconds, string Label)
{
    /// <summary>Achieved GFLOP/s (2·m·n·k floating-point operations per product).</summary>
    public double Gflops => 2.0 * M * N * K / Seconds / 1e9;

    /// <summary>True for the n×n×n, no-transpose products of the square sweep.</summary>
    public bool IsSquare => M == N && N == K && !TransA && !TransB && Label == "square";

    /// <summary>
    /// The JSON line torch_gemm.py (square) or torch_gemm_shapes.py (other shapes) prints for the
    /// same product, so the two can be compared line by line.
    /// </summary>
    public string ToJson()
    {
        string g = Math.Round(Gflops, 1).ToString("0.0", CultureInfo.InvariantCulture);
        return IsSquare
            ? $"{{\"workload\": \"gemm\", \"n\": {N}, \"gflops\": {g}}}"
            : $"{{\"workload\": \"gemm\", \"m\": {M}, \"n\": {N}, \"k\": {K}, \"transA\": {Bool(TransA)}, \"transB\": {Bool(TransB)}, \"gflops\": {g}}}";
    }

    private static string Bool(bool b) => b ? "true" : "false";
}
