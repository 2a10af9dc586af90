namespace Tessera.Data;

/// <summary>What the target column of a <see cref="CsvDataset"/> holds.</summary>
public enum CsvTask
{
    /// <summary>A number, stored as float32.</summary>
    Regression,
    /// <summary>A class label (any text), mapped to int64 class ids.</summary>
    Classification,
}
