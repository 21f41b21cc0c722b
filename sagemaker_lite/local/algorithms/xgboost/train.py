"""The built-in XGBoost algorithm's training, as the job process of a local training job.

    python -m sagemaker_lite.local.algorithms.xgboost.train      (SAGEMAKER_BASE_DIR = the host's /opt/ml)

This is what the ``sagemaker-xgboost`` image does in algorithm mode (no user script),
restated from its source and run inside the ordinary local training runtime:

1. read ``input/config/hyperparameters.json`` and ``inputdataconfig.json``; check the
   hyperparameters (hyperparameters.py) and the channels - ``train`` required,
   ``validation`` and ``code`` optional, nothing else; each channel's ContentType /
   input mode / distribution must be one the container lists (``text/libsvm`` when no
   ContentType is given);
2. read ``train`` and ``validation`` (data.py) and log their shapes;
3. train with ``xgboost.train`` - one host, or all hosts together (distributed.py) -
   printing each round's evaluation as CloudWatch shows the container's line,
   ``[19]#011train-auc:0.91000#011validation-auc:0.89000`` (the built-in metric
   definitions and a tuner's objective parse exactly that), with the container's
   ``eval_metric`` / ``_tuning_objective_metric`` / ``early_stopping_rounds`` rules;
4. save the model as ``model/xgboost-model`` with ``Booster.save_model`` (the format that
   xgboost version writes, which the same image's inference container loads).

A problem the user can fix exits 1 with ``output/failure`` holding the container's kind
of message (``framework error:`` and the ``UserError: ...`` line; the full traceback
goes to the log), which local mode reports as the job's FailureReason. Not played:
``_kfold`` cross-validation, Dask GPU training, checkpoints and
``save_model_on_termination`` (the job fails or the setting is ignored, and says so).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from . import MISSING_MESSAGE, import_xgboost, package_version
from .data import CSV, PARQUET, RECORDIO_PROTOBUF, content_kind, read_channel
from .hyperparameters import AlgorithmUserError, validate

LOGGER = logging.getLogger("sagemaker_xgboost_container")
MODEL_NAME = "xgboost-model"
DEFAULT_CONTENT_TYPE = "text/libsvm"
FILE_TYPES = (
    "csv", "libsvm", "parquet", "recordio-protobuf", "text/csv", "text/libsvm", "text/x-libsvm",
    "application/x-parquet", "application/x-recordio-protobuf",
)  # fmt: skip
PIPE_TYPES = (
    "csv", "parquet", "recordio-protobuf", "text/csv", "application/x-parquet", "application/x-recordio-protobuf",
)  # fmt: skip
#: xgboost errors the container reports as the user's (a UserError), by a part of their text
CUSTOMER_ERRORS = (
    "label must be in [0,1] for logistic regression",
    "label must be in [0, num_class)",
    "Target is multiclass but average='binary'",
    "feature_names mismatch",
    "Check failed: preds.size() == info.labels_.size()",
    "Check failed: !auc_error AUC: the dataset only contains pos or neg samples",
    "Check failed: base_score > 0.0f && base_score < 1.0f base_score must be in (0,1) for logistic loss",
    "Check failed: label_correct PoissonRegression: label must be nonnegative",
    "Check failed: label_correct TweedieRegression: label must be nonnegative",
    "Parameter reg_lambda should be greater equal to 0",
)


class AlgorithmFailure(Exception):
    """An unexpected failure (the toolkit's AlgorithmError)."""


def validate_channels(data_config: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The container's channel rules; fills in the default ContentType."""
    if "train" not in data_config:
        raise AlgorithmUserError("Missing required channel: train")
    validated: dict[str, dict[str, Any]] = {}
    for name, raw in data_config.items():
        value = dict(raw)
        if name not in ("train", "validation", "code"):
            raise AlgorithmUserError(f"Extraneous channel found: {name}")
        value.setdefault("ContentType", DEFAULT_CONTENT_TYPE if name != "code" else None)
        mode, distribution = value.get("TrainingInputMode"), value.get("S3DistributionType")
        if name == "code":
            ok = value["ContentType"] == "text/python" and mode == "File" and distribution == "FullyReplicated"
        else:
            types = FILE_TYPES if mode == "File" else PIPE_TYPES if mode == "Pipe" else ()
            ok = value["ContentType"] in types and distribution in ("FullyReplicated", "ShardedByS3Key")
        if not ok:
            raise AlgorithmUserError(f"Channel configuration for '{name}' channel is not supported: {raw}")
        validated[name] = value
    return validated


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")[:2] if p.isdigit())


def _line(epoch: int, items: list[tuple[str, float]]) -> str:
    return f"[{epoch}]" + "".join(f"#011{name}:{value:.5f}" for name, value in items)


def _printer(xgb: Any, enabled: bool) -> Any:
    """A callback printing each round's evaluation the way the container's log shows it."""
    base = getattr(xgb.callback, "TrainingCallback", None)
    if base is None:  # xgboost < 1.3: function callbacks

        def callback(env: Any) -> None:
            if enabled and env.evaluation_result_list:
                print(_line(env.iteration, [(k, float(v)) for k, v in env.evaluation_result_list]), flush=True)

        return callback

    class Printer(base):  # type: ignore[misc, valid-type]
        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            items = []
            for data, metrics in evals_log.items():
                for metric, log in metrics.items():
                    value = log[-1][0] if isinstance(log[-1], tuple) else log[-1]
                    items.append((f"{data}-{metric}", float(value)))
            if enabled and items:
                print(_line(epoch, items), flush=True)
            return False

    return Printer()


def _evaluation(config: dict[str, Any]) -> tuple[list[str] | None, Any, list[str] | None]:
    """(metrics for xgboost's eval_metric, custom metric function, the tuning objective's metrics)."""
    from .custom_metrics import custom_metric, split_metrics

    objective = config.pop("_tuning_objective_metric", None)
    tuning = objective.split(":", 1)[1].split(",") if objective else None
    eval_metric = config.get("eval_metric")
    if tuning is None and eval_metric is None:
        return None, None, None
    union = sorted(set(tuning or []) | set(eval_metric or [])) if tuning and eval_metric else (tuning or eval_metric)
    native, custom = split_metrics(union or [])
    return native or None, custom_metric(custom) if custom else None, tuning


def train_job(xgb: Any, config: dict[str, Any], dtrain: Any, dval: Any, model_dir: Path, is_master: bool) -> None:
    """Train and (on the master) save the model: the container's ``train_job``."""
    num_round = config.pop("num_round")
    for ignored in ("save_model_on_termination", "csv_weights", "use_dask_gpu_training"):
        config.pop(ignored, None)
    eval_metric = list(config.get("eval_metric") or [])
    native, feval, tuning = _evaluation(config)
    if native:
        config["eval_metric"] = native
    else:
        config.pop("eval_metric", None)
    rounds = config.pop("early_stopping_rounds", None)
    stop_metric = tuning[-1] if rounds and tuning else eval_metric[-1] if rounds and eval_metric else None
    LOGGER.info("Train matrix has %d rows and %d columns", dtrain.num_row(), dtrain.num_col())
    if dval is not None:
        LOGGER.info("Validation matrix has %d rows", dval.num_row())
    watchlist = [(dtrain, "train")] + ([(dval, "validation")] if dval is not None else [])
    callbacks = [_printer(xgb, is_master)]
    extra: dict[str, Any] = {}
    modern = hasattr(xgb.callback, "TrainingCallback")
    if stop_metric and dval is not None:
        from . import MAXIMIZE_METRICS

        maximize = stop_metric in MAXIMIZE_METRICS
        if modern:
            callbacks.append(
                xgb.callback.EarlyStopping(
                    rounds=rounds, data_name="validation", metric_name=stop_metric, maximize=maximize, save_best=True
                )
            )
        else:
            extra.update(early_stopping_rounds=rounds, maximize=maximize)
    if feval is not None:
        extra["custom_metric" if "custom_metric" in _train_parameters(xgb) else "feval"] = feval
    try:
        booster = xgb.train(
            config, dtrain, num_boost_round=num_round, evals=watchlist, callbacks=callbacks, verbose_eval=False, **extra
        )
    except Exception as exc:
        if any(message in str(exc) for message in CUSTOMER_ERRORS):
            raise AlgorithmUserError(str(exc)) from exc
        raise AlgorithmFailure(f"XGB train call failed with exception:\n {exc}") from exc
    model_dir.mkdir(parents=True, exist_ok=True)
    if is_master:
        booster.save_model(str(model_dir / MODEL_NAME))
        LOGGER.info("Stored trained model at %s", model_dir / MODEL_NAME)


def _train_parameters(xgb: Any) -> Any:
    import inspect

    return inspect.signature(xgb.train).parameters


def _matrix(xgb: Any, parts: tuple[Any, Any, Any]) -> Any:
    features, labels, weights = parts
    if features is None:
        return None
    if labels is None or len(labels) == 0:
        raise AlgorithmUserError(
            "Got input data without labels. Please check the input data set. If training job is running on multiple "
            "instances, please switch to using single instance if number of records in the data set is less than "
            "number of workers (16 * number of instance) in the cluster."
        )
    return xgb.DMatrix(features, label=labels, weight=weights)


def run(base: Path) -> None:
    config_dir = base / "input" / "config"
    raw_hps = json.loads((config_dir / "hyperparameters.json").read_text(encoding="utf-8"))
    data_config = json.loads((config_dir / "inputdataconfig.json").read_text(encoding="utf-8"))
    resource = json.loads((config_dir / "resourceconfig.json").read_text(encoding="utf-8"))
    try:
        xgb = import_xgboost()
    except ImportError:
        raise AlgorithmUserError(MISSING_MESSAGE.format(python=sys.executable)) from None
    image_version = os.environ.get("SAGEMAKER_LITE_ALGORITHM_VERSION", "")
    LOGGER.info("Running XGBoost Sagemaker in algorithm mode (xgboost %s)", xgb.__version__)
    config = validate(raw_hps)
    if config.get("updater"):
        config["updater"] = ",".join(config["updater"])
    channels = validate_channels(data_config)
    if "_kfold" in config or "_num_cv_round" in config:
        raise AlgorithmUserError("local mode does not run the container's k-fold cross-validation (_kfold)")
    if config.get("use_dask_gpu_training") == "true":
        raise AlgorithmUserError("local mode does not run Dask GPU training (use_dask_gpu_training=true)")
    kind = content_kind(channels["train"]["ContentType"])
    is_pipe = channels["train"].get("TrainingInputMode") == "Pipe"
    wanted = package_version(image_version) or ""
    pipe_supported = not wanted or _version_tuple(wanted) < (3, 0)
    if is_pipe and kind in (CSV, PARQUET, RECORDIO_PROTOBUF) and pipe_supported:
        LOGGER.info("Reading the %s channel from its pipe", "train")
    csv_weights = int(config.get("csv_weights", 0))
    data_dir = base / "input" / "data"
    train = read_channel(data_dir / "train", kind, csv_weights=csv_weights, pipe=is_pipe, pipe_supported=pipe_supported)
    validation = (None, None, None)
    if "validation" in channels:
        val_pipe = channels["validation"].get("TrainingInputMode") == "Pipe"
        validation = read_channel(
            data_dir / "validation", kind, csv_weights=csv_weights, pipe=val_pipe, pipe_supported=pipe_supported
        )
    dtrain, dval = _matrix(xgb, train), _matrix(xgb, validation)
    hosts = list(resource["hosts"])
    current = str(resource["current_host"])
    model_dir = base / "model"
    if len(hosts) == 1:
        if dtrain is None:
            raise AlgorithmUserError(f"No data in training channel path {data_dir / 'train'}")
        if "validation" in channels and dval is None:
            raise AlgorithmUserError(f"No data in validation channel path {data_dir / 'validation'}")
        LOGGER.info("Single node training.")
        train_job(xgb, config, dtrain, dval, model_dir, True)
        return
    if dtrain is None:
        raise AlgorithmUserError(
            f"Host {current} does not have training data; local mode needs every host to receive some "
            "(divide the training data into at least as many files as hosts with ShardedByS3Key)"
        )
    from .distributed import cluster

    port = int(os.environ.get("SAGEMAKER_LITE_TRACKER_PORT", "9099"))
    with cluster(hosts, current, port) as is_master:
        train_job(xgb, config, dtrain, dval, model_dir, is_master)


def _report(base: Path, kind: str, message: str) -> None:
    """Write ``output/failure`` the way the container's framework does, and log it."""
    text = f"framework error: \n{kind}: {message}\n"
    try:
        (base / "output").mkdir(parents=True, exist_ok=True)
        (base / "output" / "failure").write_text(text, encoding="utf-8")
    except OSError:
        pass
    LOGGER.error("Reporting training FAILURE")
    LOGGER.error(text.rstrip())


def main() -> int:
    logging.basicConfig(
        stream=sys.stdout,
        level=logging.INFO,
        format="[%(asctime)s:%(levelname)s] %(message)s",
        datefmt="%Y-%m-%d:%H:%M:%S",
    )
    base = Path(os.environ.get("SAGEMAKER_BASE_DIR") or "/opt/ml")
    try:
        run(base)
    except AlgorithmUserError as exc:
        traceback.print_exc(file=sys.stderr)
        _report(base, "UserError", str(exc))
        return 1
    except AlgorithmFailure as exc:
        traceback.print_exc(file=sys.stderr)
        _report(base, "AlgorithmError", str(exc))
        return 1
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        _report(base, type(exc).__name__, str(exc))
        return 1
    LOGGER.info("Reporting training SUCCESS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
