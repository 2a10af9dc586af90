namespace Tessera;

/// <summary>How a loss combines per-element values.</summary>
public enum Reduction
{
    /// <summary>Average (weighted average for weighted losses).</summary>
    Mean,
    /// <summary>Sum.</summary>
    Sum,
    /// <summary>No reduction: one value per element.</summary>
    None,
}
