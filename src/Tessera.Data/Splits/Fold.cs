namespace Tessera.Data.Splits;

/// <summary>One split of a dataset's example indices into a training part and a validation part.</summary>
/// <param name="Index">The fold number, 0-based.</param>
/// <param name="Train">Indices of the training examples, increasing.</param>
/// <param name="Validation">Indices of the validation examples, increasing; disjoint from <paramref name="Train"/>.</param>
public sealed record Fold(int Index, int[] Train, int[] Validation);
