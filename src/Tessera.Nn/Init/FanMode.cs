namespace Tessera.Nn;

/// <summary>Which fan scales Kaiming initialisation.</summary>
public enum FanMode
{
    /// <summary>Inputs per output unit: preserves the forward variance.</summary>
    FanIn,
    /// <summary>Outputs per input unit: preserves the backward variance.</summary>
    FanOut,
}
