namespace Tessera.Training;

/// <summary>One row of metrics.csv.</summary>
public sealed record EpochMetrics(int Epoch, long Step, double TrainLoss, double TrainAcc, double TestAcc, double Lr, double SamplesPerS)
{
    /// <summary>The CSV header line.</summary>
    public const string CsvHeader = "epoch,step,train_loss,train_acc,test_acc,lr,samples_per_s";

    /// <summary>The CSV line (invariant culture, round-trip doubles).</summary>
    public string ToCsv() => string.Join(',',
        Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), Step.ToString(System.Globalization.CultureInfo.InvariantCulture),
        F(TrainLoss), F(TrainAcc), F(TestAcc), F(Lr), F(SamplesPerS));

    private static string F(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
