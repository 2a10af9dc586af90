namespace Tessera.Data;

/// <summary>One supervised example: an input tensor and its target.</summary>
/// <param name="Input">The input, e.g. an image (1, 28, 28) or a feature vector (F).</param>
/// <param name="Target">The target, e.g. a 0-d int64 class id or a float32 value.</param>
public readonly record struct Sample(Tensor Input, Tensor Target);
