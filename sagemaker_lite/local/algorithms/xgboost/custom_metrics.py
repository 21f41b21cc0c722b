"""The metrics the container computes itself (not xgboost): accuracy, f1, precision, recall, mse, r2 ...

    feval = custom_metric(["accuracy", "f1"])      # for xgboost.train(custom_metric=...)

When ``eval_metric`` (or the tuner's objective) names one of these, the container hands
xgboost a metric function instead of the name; its values appear in the same
``[N]#011validation-f1:...`` lines. Class metrics turn predictions into labels the
container's way - the arg-max of a row for several classes, ``prediction > 0`` for one
column (the container treats it as a margin) - and the scores follow scikit-learn's
definitions (``f1``/``*_macro``: unweighted mean over the classes present; ``*_micro``:
over all decisions; ``precision``/``recall``/``f1_binary``: of class 1). Plain numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Metric = Callable[[Any, Any], float]


def _class_labels(preds: Any) -> Any:
    import numpy as np

    if preds.ndim == 2 and preds.shape[1] > 1:
        return np.argmax(preds, axis=-1)
    return (preds.reshape(-1) > 0.0).astype(int)


def _per_class(labels: Any, predicted: Any) -> tuple[Any, Any, Any, Any]:
    """(classes, true positives, predicted count, actual count) per class present in either."""
    import numpy as np

    classes = np.union1d(np.unique(labels), np.unique(predicted))
    tp = np.array([np.sum((predicted == c) & (labels == c)) for c in classes], dtype=float)
    pred_count = np.array([np.sum(predicted == c) for c in classes], dtype=float)
    true_count = np.array([np.sum(labels == c) for c in classes], dtype=float)
    return classes, tp, pred_count, true_count


def _ratio(num: Any, den: Any) -> Any:
    import numpy as np

    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def _precision(labels: Any, predicted: Any, average: str) -> float:
    classes, tp, pred_count, _ = _per_class(labels, predicted)
    if average == "binary":
        return float(_ratio(tp, pred_count)[list(classes).index(1)]) if 1 in classes else 0.0
    if average == "micro":
        return float(tp.sum() / max(pred_count.sum(), 1))
    return float(_ratio(tp, pred_count).mean())


def _recall(labels: Any, predicted: Any, average: str) -> float:
    classes, tp, _, true_count = _per_class(labels, predicted)
    if average == "binary":
        return float(_ratio(tp, true_count)[list(classes).index(1)]) if 1 in classes else 0.0
    if average == "micro":
        return float(tp.sum() / max(true_count.sum(), 1))
    return float(_ratio(tp, true_count).mean())


def _f1(labels: Any, predicted: Any, average: str) -> float:
    classes, tp, pred_count, true_count = _per_class(labels, predicted)
    precision, recall = _ratio(tp, pred_count), _ratio(tp, true_count)
    scores = _ratio(2 * precision * recall, precision + recall)
    if average == "binary":
        return float(scores[list(classes).index(1)]) if 1 in classes else 0.0
    return float(scores.mean())


def _balanced_accuracy(labels: Any, predicted: Any) -> float:
    import numpy as np

    classes = np.unique(labels)
    return float(np.mean([np.mean(predicted[labels == c] == c) for c in classes]))


def _classification(score: Callable[[Any, Any], float]) -> Metric:
    def metric(preds: Any, labels: Any) -> float:
        return score(labels, _class_labels(preds)) if preds.size else 0.0

    return metric


def _regression(score: Callable[[Any, Any], float]) -> Metric:
    def metric(preds: Any, labels: Any) -> float:
        return score(labels, preds.reshape(-1))

    return metric


def _r2(labels: Any, preds: Any) -> float:
    import numpy as np

    total = float(np.sum((labels - labels.mean()) ** 2))
    residual = float(np.sum((labels - preds) ** 2))
    return 1.0 - residual / total if total else 0.0


CUSTOM_METRICS: dict[str, Metric] = {
    "accuracy": _classification(lambda y, p: float((y == p).mean())),
    "balanced_accuracy": _classification(_balanced_accuracy),
    "f1": _classification(lambda y, p: _f1(y, p, "macro")),
    "f1_binary": _classification(lambda y, p: _f1(y, p, "binary")),
    "f1_macro": _classification(lambda y, p: _f1(y, p, "macro")),
    "mse": _regression(lambda y, p: float(((y - p) ** 2).mean())),
    "rmse": _regression(lambda y, p: float(((y - p) ** 2).mean() ** 0.5)),
    "mae": _regression(lambda y, p: float(abs(y - p).mean())),
    "precision": _classification(lambda y, p: _precision(y, p, "binary")),
    "precision_macro": _classification(lambda y, p: _precision(y, p, "macro")),
    "precision_micro": _classification(lambda y, p: _precision(y, p, "micro")),
    "r2": _regression(_r2),
    "recall": _classification(lambda y, p: _recall(y, p, "binary")),
    "recall_macro": _classification(lambda y, p: _recall(y, p, "macro")),
    "recall_micro": _classification(lambda y, p: _recall(y, p, "micro")),
}


def split_metrics(metrics: Sequence[str]) -> tuple[list[str], list[str]]:
    """(metrics xgboost computes, metrics computed here), order kept."""
    return [m for m in metrics if m not in CUSTOM_METRICS], [m for m in metrics if m in CUSTOM_METRICS]


def custom_metric(names: Sequence[str]) -> Callable[[Any, Any], list[tuple[str, float]]]:
    """One function computing ``names`` for ``xgboost.train(custom_metric=...)``."""

    def evaluate(preds: Any, dmatrix: Any) -> list[tuple[str, float]]:
        labels = dmatrix.get_label()
        return [(name, CUSTOM_METRICS[name](preds, labels)) for name in names]

    return evaluate
