"""The built-in XGBoost algorithm (``sagemaker-xgboost`` images, and the legacy ``xgboost`` image).

What local mode needs to know about it without importing xgboost: which images it is,
which xgboost each image has, the metric definitions SageMaker applies to its jobs, the
modules that play its training and inference containers, and the interpreter to run
them with. The contract itself (hyperparameters, channels, data formats, log lines,
model file, ``/invocations``) is restated from the open-source container
(aws/sagemaker-xgboost-container) in ``hyperparameters.py``, ``data.py``, ``train.py``
and ``serve.py``; only ``data.py``, ``train.py`` and ``serve.py`` import xgboost, and
only inside the job or endpoint process.
"""

from __future__ import annotations

import re
from typing import IO, Any

NAME = "xgboost"
DISPLAY_NAME = "XGBoost"
REPOSITORIES = ("sagemaker-xgboost", "xgboost")
TRAIN_MODULE = "sagemaker_lite.local.algorithms.xgboost.train"
SERVE_MODULE = "sagemaker_lite.local.algorithms.xgboost.serve"
EXTRA = "xgboost"
INSTALL_COMMAND = "pip install 'sagemaker_lite[xgboost]'"
MISSING_MESSAGE = (
    "the built-in XGBoost algorithm runs locally with the xgboost package, which is not installed in {python}: "
    + INSTALL_COMMAND
)

#: the xgboost each image version installs (docker/<version>/*/Dockerfile.cpu of the container's source)
PACKAGE_VERSIONS = {
    "0.90-1": "0.90",
    "0.90-2": "0.90",
    "1.0-1": "1.0.0",
    "1.2-1": "1.2.0",
    "1.2-2": "1.2.0",
    "1.3-1": "1.3.3",
    "1.5-1": "1.5.2",
    "1.7-1": "1.7.4",
    "3.0-5": "3.0.5",
    "1": "0.72.1",  # the legacy image (xgboost:1 / :latest), XGBoost 0.72
}

#: evaluation metrics the container knows, by the direction a tuner optimizes them
MAXIMIZE_METRICS = (
    "accuracy", "auc", "aucpr", "balanced_accuracy", "f1", "f1_binary", "f1_macro", "map", "ndcg",
    "precision", "r2", "recall", "precision_macro", "precision_micro", "recall_macro", "recall_micro",
)  # fmt: skip
MINIMIZE_METRICS = (
    "aft-nloglik", "cox-nloglik", "error", "gamma-deviance", "gamma-nloglik", "interval-regression-accuracy",
    "logloss", "mae", "mape", "merror", "mlogloss", "mphe", "mse", "poisson-nloglik", "rmse", "rmsle",
    "tweedie-nloglik",
)  # fmt: skip
#: the number part of the service's built-in metric regexes
_NUMBER = r"([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"
_TAG = re.compile(r"^(\d+\.\d+-\d+)")


def version_of(repository: str, tag: str) -> str | None:
    """The algorithm version an image tag names (``1.7-1``, ``0.90-1-cpu-py3`` -> ``0.90-1``), or None."""
    if repository == "xgboost":
        return "1"  # the legacy image: tags 1 and latest are the same 0.72 algorithm
    match = _TAG.match(tag)
    return match.group(1) if match else None


def package_version(version: str) -> str | None:
    """The xgboost an image version installs; for an image version newer than this table: None."""
    return PACKAGE_VERSIONS.get(version)


def metric_definitions() -> list[dict[str, str]]:
    """What SageMaker applies to every XGBoost job's log: ``train:<m>`` and ``validation:<m>`` per metric.

    The names and regexes are those DescribeTrainingJob shows for a built-in XGBoost job
    (and that ``HyperparameterTuner(objective_metric_name="validation:auc")`` refers to).
    """
    return [
        {"Name": f"{channel}:{metric}", "Regex": rf".*\[[0-9]+\].*#011{channel}-{metric}:{_NUMBER}.*"}
        for channel in ("train", "validation")
        for metric in (*MAXIMIZE_METRICS, *MINIMIZE_METRICS)
    ]


def tuning_metrics() -> dict[str, str]:
    """``validation:<m>`` -> ``Maximize`` / ``Minimize`` (the objective metrics a tuner may choose)."""
    directions = {m: "Maximize" for m in MAXIMIZE_METRICS}
    directions.update({m: "Minimize" for m in MINIMIZE_METRICS})
    return {f"validation:{m}": d for m, d in directions.items()}


def import_xgboost() -> Any:
    """``import xgboost`` without its optional scikit-learn and pandas integrations (job and endpoint processes).

    xgboost imports scikit-learn and pandas when they are installed, for its sklearn-style
    wrappers and DataFrame input; the algorithm uses neither (numpy arrays in, Booster out),
    and those imports are most of a job's start-up (xgboost 1.7 with scikit-learn: ~10 s on a
    busy 2-core machine, ~2.5 s without). They are hidden while xgboost loads and visible
    again afterwards (reading parquet imports pandas itself).
    """
    import sys

    hidden = [name for name in ("sklearn", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import xgboost
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]
    return xgboost


def missing() -> str | None:
    """The one-line fix when xgboost is not installed here (checked before a job is created)."""
    import importlib.util
    import sys

    if importlib.util.find_spec("xgboost") is None:
        return MISSING_MESSAGE.format(python=sys.executable)
    return None


def python_for(version: str, log: IO[bytes]) -> str:
    """The interpreter with the xgboost of image ``version`` (see packages.py for the order tried)."""
    from ..packages import cache_dir, interpreter_with

    return interpreter_with("xgboost", package_version(version), cache_dir(), log, image=f"sagemaker-xgboost:{version}")
