namespace Tessera.Metrics;

/// <summary>Everything <see cref="ClassificationReport"/> computes, ready to print or serialise.</summary>
/// <param name="Count">Examples evaluated.</param>
/// <param name="Accuracy">Top-1 accuracy.</param>
/// <param name="PrecisionMacro">Macro-averaged precision.</param>
/// <param name="RecallMacro">Macro-averaged recall.</param>
/// <param name="F1Macro">Macro-averaged F1.</param>
/// <param name="F1Weighted">Support-weighted F1.</param>
/// <param name="RocAucMacro">One-vs-rest ROC AUC on the probabilities, macro average (scikit-learn's <c>roc_auc_score(multi_class="ovr")</c>).</param>
/// <param name="RocAucWeighted">One-vs-rest ROC AUC, support-weighted average.</param>
/// <param name="AveragePrecisionMacro">One-vs-rest average precision, macro average.</param>
/// <param name="Precision">Per-class precision, (classes).</param>
/// <param name="Recall">Per-class recall, (classes).</param>
/// <param name="F1">Per-class F1, (classes).</param>
/// <param name="RocAuc">Per-class one-vs-rest ROC AUC, (classes); NaN for a class that never or always occurs.</param>
/// <param name="AveragePrecision">Per-class one-vs-rest average precision, (classes).</param>
/// <param name="Support">True examples of each class, (classes).</param>
/// <param name="Confusion">Counts [true, predicted], (classes, classes).</param>
public sealed record ClassificationSummary(
    long Count,
    double Accuracy,
    double PrecisionMacro,
    double RecallMacro,
    double F1Macro,
    double F1Weighted,
    double RocAucMacro,
    double RocAucWeighted,
    double AveragePrecisionMacro,
    double[] Precision,
    double[] Recall,
    double[] F1,
    double[] RocAuc,
    double[] AveragePrecision,
    long[] Support,
    long[,] Confusion);
