namespace Tessera.Kernels.Elementwise;

/// <summary>The binary arithmetic operators that can be selected at run time.</summary>
internal enum BinaryOp
{
    /// <summary>x + y.</summary>
    Add,
    /// <summary>x - y.</summary>
    Subtract,
    /// <summary>x * y.</summary>
    Multiply,
    /// <summary>x / y.</summary>
    Divide,
    /// <summary>IEEE pow(x, y).</summary>
    Pow,
    /// <summary>PyTorch maximum (NaN-propagating).</summary>
    Maximum,
    /// <summary>PyTorch minimum (NaN-propagating).</summary>
    Minimum,
}
