namespace Tessera.Kernels.Elementwise;

/// <summary>The comparison operators that can be selected at run time.</summary>
internal enum CompareOp
{
    /// <summary>x == y.</summary>
    Equal,
    /// <summary>x != y (true when either is NaN).</summary>
    NotEqual,
    /// <summary>x &lt; y.</summary>
    LessThan,
    /// <summary>x &lt;= y.</summary>
    LessThanOrEqual,
    /// <summary>x &gt; y.</summary>
    GreaterThan,
    /// <summary>x &gt;= y.</summary>
    GreaterThanOrEqual,
}
