namespace Tessera.Training.TensorBoard;

/// <summary>One scalar read back from an event file.</summary>
/// <param name="Tag">The series name, e.g. <c>"train/loss"</c>.</param>
/// <param name="Step">The global step it was logged at.</param>
/// <param name="Value">The value; event files store scalars as float32.</param>
/// <param name="WallTime">Seconds since the Unix epoch when it was logged.</param>
public readonly record struct ScalarEvent(string Tag, long Step, float Value, double WallTime);
