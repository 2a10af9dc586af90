namespace Tessera.Training;

/// <summary>Outcome of <see cref="LinearRegressionTrainer.Run"/>: learned and closed-form parameters of y = w·x + b.</summary>
public sealed record LinearRegressionResult(double W, double B, double ClosedFormW, double ClosedFormB, double FinalLoss, int Steps);
