namespace Tessera.Training;

/// <summary>The numeric precision a <see cref="Trainer"/> trains in.</summary>
public enum Precision
{
    /// <summary>32-bit floats throughout (the only precision this release supports).</summary>
    Float32,

    /// <summary>bfloat16 autocast with float32 master weights (not supported yet).</summary>
    BFloat16Mixed,

    /// <summary>float16 autocast with loss scaling and float32 master weights (not supported yet).</summary>
    Float16Mixed,
}
