#!/usr/bin/python3
"""Generate scikit-learn parity fixtures for Tessera.Metrics and the cross-validation splitters.

Usage (from the repository root; needs Debian's python3-sklearn):

    /usr/bin/python3 tools/make_metrics_fixtures.py
        # writes tests/fixtures/metrics/metrics.json and tests/fixtures/metrics/splits.json
    /usr/bin/python3 tools/make_metrics_fixtures.py --out DIR   # the same files under DIR (the tests compare them)

Every value is what scikit-learn returns with default arguments (Python's float repr round-trips
doubles exactly). NaN is written as the string "NaN" (JSON has no NaN). Undefined scores that
scikit-learn refuses to compute (raises) are written as null.

metrics.json
    sklearn         the scikit-learn version
    binary          list of {name, y_true (0/1), y_score, roc: {fpr, tpr, thresholds} (roc_curve),
                    auc (roc_auc_score or null), pr: {precision, recall, thresholds}
                    (precision_recall_curve), ap (average_precision_score)}
    multiclass      list of {name, classes, y_true, y_prob (N rows of `classes` softmax probabilities),
                    auc_macro / auc_weighted / auc_micro (roc_auc_score(multi_class="ovr", average=...)),
                    auc_per_class (average=None), ap_macro / ap_weighted / ap_per_class
                    (average_precision_score on label_binarize(y_true, classes=range(classes))),
                    roc (per class: roc_curve(y_true == c, y_prob[:, c])), pr (per class, likewise)}
    classification  list of {name, classes, y_true, y_pred, accuracy, confusion (confusion_matrix with
                    labels=range(classes)), confusion_true / confusion_pred / confusion_all (normalize=...),
                    precision / recall / f1: {macro, micro, weighted, none} (labels=range(classes),
                    zero_division=0 so absent classes count 0 without a warning)}
    topk            list of {name, classes, y_true, y_score, k: {"1": acc, "3": acc, ...}}
                    (top_k_accuracy_score, continuous scores without ties)
    regression      list of {name, y_true, y_pred (N) or (N, D) as nested lists, mse, mae, r2
                    (uniform_average), r2_raw (multioutput="raw_values")}
    perplexity      list of {name, classes, logits, y_true, mean_nll (log_softmax in float64),
                    log_loss (sklearn's log_loss on the softmax), perplexity = exp(mean_nll)}

splits.json
    kfold           list of {n, n_splits, folds: [{train, test}]} (KFold(n_splits), shuffle=False)
    stratified      list of {y, n_splits, folds: [{train, test}]} (StratifiedKFold(n_splits), shuffle=False)
"""

import argparse
import json
import math
import os
import warnings

import numpy as np
import scipy.special
import sklearn
from sklearn.metrics import (accuracy_score, average_precision_score, confusion_matrix, f1_score, log_loss,
                             mean_absolute_error, mean_squared_error, precision_recall_curve, precision_score,
                             r2_score, recall_score, roc_auc_score, roc_curve, top_k_accuracy_score)
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import label_binarize

warnings.filterwarnings("ignore")   # the one-class cases warn on purpose

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "metrics")


def clean(x):
    """numpy -> plain JSON values; NaN -> "NaN"."""
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (np.floating, float)):
        x = float(x)
        return "NaN" if math.isnan(x) else x
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def try_call(f):
    try:
        return f()
    except ValueError:
        return None


def binary_case(name, y, s):
    y = np.asarray(y, dtype=np.int64)
    s = np.asarray(s, dtype=np.float64)
    fpr, tpr, thr = roc_curve(y, s)
    precision, recall, pthr = precision_recall_curve(y, s)
    return {
        "name": name, "y_true": y, "y_score": s,
        "roc": {"fpr": fpr, "tpr": tpr, "thresholds": thr},
        "auc": try_call(lambda: roc_auc_score(y, s)),
        "pr": {"precision": precision, "recall": recall, "thresholds": pthr},
        "ap": average_precision_score(y, s),
    }


def binary_cases(rng):
    cases = [
        binary_case("hand", [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),
        binary_case("hand_ties", [0, 1, 0, 1, 1, 0, 0, 1], [0.5, 0.5, 0.2, 0.9, 0.5, 0.9, 0.1, 0.2]),
        binary_case("all_tied", [0, 1, 1, 0, 1], [0.3] * 5),
        binary_case("perfect", [0, 0, 0, 1, 1], [-2.0, -1.0, 0.0, 1.0, 2.0]),
        binary_case("inverted", [1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4]),
        binary_case("collinear", [1, 1, 1, 0, 0, 0], [6.0, 5.0, 4.0, 3.0, 2.0, 1.0]),
        binary_case("no_negatives", [1, 1, 1], [0.2, 0.5, 0.5]),
        binary_case("no_positives", [0, 0, 0, 0], [0.2, 0.5, 0.5, 0.1]),
    ]
    y = rng.integers(0, 2, 300)
    # Rounded to 6 decimals only to keep the file small; ties stay rare.
    cases.append(binary_case("random", y, np.round(rng.normal(size=300) + 0.8 * y, 6)))
    y = rng.integers(0, 2, 300)
    # Scores on a coarse grid: every value is shared by many samples of both classes.
    cases.append(binary_case("random_ties", y, np.round(rng.uniform(size=300) * 0.6 + 0.4 * y, 1)))
    y = (rng.uniform(size=200) < 0.1).astype(np.int64)
    cases.append(binary_case("imbalanced_ties", y, np.round(rng.normal(size=200) + y, 0) / 4))
    return cases


def softmax(logits, decimals=None):
    p = scipy.special.softmax(logits, axis=1)
    # Rounding keeps the file small; rows still sum to 1 within sklearn's np.allclose check.
    return p if decimals is None else np.round(p, decimals)


def multiclass_case(name, y, p, classes):
    y = np.asarray(y, dtype=np.int64)
    yb = label_binarize(y, classes=list(range(classes)))
    roc = []
    pr = []
    for c in range(classes):
        fpr, tpr, thr = roc_curve(y == c, p[:, c])
        roc.append({"fpr": fpr, "tpr": tpr, "thresholds": thr})
        precision, recall, pthr = precision_recall_curve(y == c, p[:, c])
        pr.append({"precision": precision, "recall": recall, "thresholds": pthr})
    return {
        "name": name, "classes": classes, "y_true": y, "y_prob": p,
        "auc_macro": roc_auc_score(y, p, multi_class="ovr", average="macro"),
        "auc_weighted": roc_auc_score(y, p, multi_class="ovr", average="weighted"),
        "auc_micro": roc_auc_score(y, p, multi_class="ovr", average="micro"),
        "auc_per_class": roc_auc_score(y, p, multi_class="ovr", average=None),
        "ap_macro": average_precision_score(yb, p, average="macro"),
        "ap_weighted": average_precision_score(yb, p, average="weighted"),
        "ap_per_class": average_precision_score(yb, p, average=None),
        "roc": roc, "pr": pr,
    }


def multiclass_cases(rng):
    cases = []
    p = np.array([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.5, 0.3, 0.2],
                  [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]])
    cases.append(multiclass_case("hand3", [0, 1, 2, 1, 2, 0], p, 3))
    y = np.concatenate([np.arange(10), rng.integers(0, 10, 110)])
    logits = rng.normal(size=(120, 10)) + 1.5 * np.eye(10)[y]
    cases.append(multiclass_case("random10", y, softmax(logits, 8), 10))
    y = np.concatenate([np.arange(10), rng.integers(0, 10, 90)])
    # Integer logits make equal probabilities within each column (ties across samples and classes).
    logits = rng.integers(0, 3, size=(100, 10)).astype(np.float64) + np.eye(10)[y]
    cases.append(multiclass_case("ties10", y, softmax(logits), 10))
    return cases


def classification_case(name, y, yp, classes):
    y = np.asarray(y, dtype=np.int64)
    yp = np.asarray(yp, dtype=np.int64)
    labels = list(range(classes))

    def prf(f):
        return {avg: f(y, yp, labels=labels, average=avg, zero_division=0)
                for avg in ("macro", "micro", "weighted")} | {"none": f(y, yp, labels=labels, average=None, zero_division=0)}

    return {
        "name": name, "classes": classes, "y_true": y, "y_pred": yp,
        "accuracy": accuracy_score(y, yp),
        "confusion": confusion_matrix(y, yp, labels=labels),
        "confusion_true": confusion_matrix(y, yp, labels=labels, normalize="true"),
        "confusion_pred": confusion_matrix(y, yp, labels=labels, normalize="pred"),
        "confusion_all": confusion_matrix(y, yp, labels=labels, normalize="all"),
        "precision": prf(precision_score), "recall": prf(recall_score), "f1": prf(f1_score),
    }


def classification_cases(rng):
    cases = [classification_case("hand", [0, 1, 2, 2, 1, 0, 2], [0, 2, 2, 2, 1, 1, 0], 3),
             classification_case("binary", [0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1], 2)]
    # Class 9 never appears (neither true nor predicted), class 8 is only predicted.
    y = rng.integers(0, 8, 400)
    yp = np.where(rng.uniform(size=400) < 0.6, y, rng.integers(0, 9, 400))
    cases.append(classification_case("random10", y, yp, 10))
    return cases


def topk_cases(rng):
    cases = []
    for name, n, c in (("random10", 120, 10), ("random4", 50, 4)):
        y = np.concatenate([np.arange(c), rng.integers(0, c, n - c)])
        s = np.round(rng.normal(size=(n, c)) + np.eye(c)[y], 6)
        ks = [k for k in (1, 2, 3, 5) if k < c]
        cases.append({"name": name, "classes": c, "y_true": y, "y_score": s,
                      "k": {str(k): top_k_accuracy_score(y, s, k=k, labels=list(range(c))) for k in ks}})
    return cases


def regression_case(name, y, yp):
    y = np.asarray(y, dtype=np.float64)
    yp = np.asarray(yp, dtype=np.float64)
    return {"name": name, "y_true": y, "y_pred": yp,
            "mse": mean_squared_error(y, yp), "mae": mean_absolute_error(y, yp), "r2": r2_score(y, yp),
            "r2_raw": np.atleast_1d(r2_score(y, yp, multioutput="raw_values"))}


def regression_cases(rng):
    y = rng.normal(size=300) * 3 + 1000   # a large mean: a naive sum-of-squares variance would lose digits
    cases = [regression_case("hand", [3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]),
             regression_case("random", y, y + rng.normal(size=300)),
             regression_case("constant_target_exact", [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]),
             regression_case("constant_target_wrong", [2.0, 2.0, 2.0], [1.0, 2.0, 3.0])]
    y = rng.normal(size=(120, 3)) * np.array([1.0, 10.0, 0.1])
    cases.append(regression_case("multioutput", y, y + rng.normal(size=(120, 3)) * 0.5))
    return cases


def perplexity_cases(rng):
    cases = []
    for name, n, c in (("random5", 40, 5), ("random30", 60, 30)):
        y = np.concatenate([np.arange(c), rng.integers(0, c, n - c)])
        logits = np.round(rng.normal(size=(n, c)) * 2, 4)
        nll = -scipy.special.log_softmax(logits, axis=1)[np.arange(len(y)), y]
        mean_nll = float(np.mean(nll))
        ll = log_loss(y, softmax(logits), labels=list(range(c)))
        assert abs(ll - mean_nll) < 1e-9, (ll, mean_nll)
        cases.append({"name": name, "classes": c, "logits": logits, "y_true": y,
                      "mean_nll": mean_nll, "log_loss": ll, "perplexity": math.exp(mean_nll)})
    return cases


def folds(splitter, x, y=None):
    return [{"train": tr, "test": te} for tr, te in splitter.split(x, y)]


def split_cases(rng):
    kfold = []
    for n, k in ((10, 3), (7, 7), (23, 5), (12, 2), (5, 2)):
        kfold.append({"n": n, "n_splits": k, "folds": folds(KFold(k), np.zeros((n, 1)))})
    stratified = []
    ys = [
        [0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2],
        [5, 9, 5, -1, 9, 9, 5, -1, -1, 9, 5, 5, 9, -1, 5, 9],   # labels in no particular order or range
        rng.integers(0, 4, 53).tolist(),
        (rng.uniform(size=40) < 0.2).astype(int).tolist(),
        [3, 1, 1, 3, 3, 2, 2, 1, 3, 2, 3],   # first-appearance class order gives other folds than sorted order
    ]
    for y, k in zip(ys, (3, 4, 5, 3, 2)):
        stratified.append({"y": y, "n_splits": k, "folds": folds(StratifiedKFold(k), np.zeros((len(y), 1)), np.array(y))})
    return {"sklearn": sklearn.__version__, "kfold": kfold, "stratified": stratified}


def write(out, name, obj):
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, name)
    with open(path + ".tmp", "w") as f:
        json.dump(clean(obj), f, separators=(",", ":"))
        f.write("\n")
    os.replace(path + ".tmp", path)
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def main():
    parser = argparse.ArgumentParser(description="scikit-learn parity fixtures for Tessera.Metrics")
    parser.add_argument("--out", default=OUT, help="output folder (default: tests/fixtures/metrics)")
    out = parser.parse_args().out
    rng = np.random.default_rng(20260804)
    metrics = {
        "sklearn": sklearn.__version__,
        "binary": binary_cases(rng),
        "multiclass": multiclass_cases(rng),
        "classification": classification_cases(rng),
        "topk": topk_cases(rng),
        "regression": regression_cases(rng),
        "perplexity": perplexity_cases(rng),
    }
    write(out, "metrics.json", metrics)
    write(out, "splits.json", split_cases(rng))


if __name__ == "__main__":
    main()
