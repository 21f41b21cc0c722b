"""Tuning and batch-transform cases for ``capture_official_requests.py`` (run in its child process).

Kept apart from the estimator cases because a case here drives more than one SDK object:
an estimator (or several) handed to a ``HyperparameterTuner``, or a ``Transformer`` made
directly or by ``estimator.transformer(...)``. The case format is described in
tests/data/official/README.md ("tuning_cases.json").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TUNING_CLASSES = ("HyperparameterTuner", "HyperparameterTuner.create", "Transformer", "Estimator.transformer")


def _factories() -> dict[str, Callable[..., Any]]:
    import sagemaker.inputs
    import sagemaker.parameter
    import sagemaker.tuner

    names = {
        "TrainingInput": sagemaker.inputs.TrainingInput,
        "ContinuousParameter": sagemaker.parameter.ContinuousParameter,
        "IntegerParameter": sagemaker.parameter.IntegerParameter,
        "CategoricalParameter": sagemaker.parameter.CategoricalParameter,
    }
    for name in ("WarmStartConfig", "StrategyConfig", "HyperbandStrategyConfig", "TuningJobCompletionCriteriaConfig"):
        names[name] = getattr(sagemaker.tuner, name)
    return names


def resolve(spec: Any) -> Any:
    """``{"__type__": name, "__args__": [...], **kwargs}`` -> object; ``{"__enum__": "Cls.MEMBER"}`` -> enum member."""
    import sagemaker.tuner

    if isinstance(spec, dict):
        if "__enum__" in spec:
            owner, member = spec["__enum__"].split(".")
            return getattr(getattr(sagemaker.tuner, owner), member)
        if "__type__" in spec:
            kwargs = {k: resolve(v) for k, v in spec.items() if k not in ("__type__", "__args__")}
            if spec["__type__"] == "WarmStartConfig":
                kwargs["parents"] = set(kwargs["parents"])
            args = [resolve(v) for v in spec.get("__args__", [])]
            return _factories()[spec["__type__"]](*args, **kwargs)
        return {k: resolve(v) for k, v in spec.items()}
    if isinstance(spec, list):
        return [resolve(v) for v in spec]
    return spec


def _estimator(spec: dict[str, Any], classes: dict[str, Any], step: Callable[[str, Callable[[], Any]], Any]) -> Any:
    est = step("construct", lambda: classes[spec["class"]](**resolve(spec.get("kwargs", {}))))
    if est is not None and spec.get("hyperparameters"):
        step("set_hyperparameters", lambda: est.set_hyperparameters(**spec["hyperparameters"]))
    return est


def run(case: dict[str, Any], classes: dict[str, Any], step: Callable[[str, Callable[[], Any]], Any]) -> None:
    """Drive one tuning/transform case through the official SDK; every call goes through ``step``."""
    import sagemaker.transformer
    import sagemaker.tuner

    kind = case["class"]
    kwargs = resolve(case.get("kwargs", {}))
    if kind == "HyperparameterTuner":
        est = _estimator(case["estimator"], classes, step)
        tuner = step("construct_tuner", lambda: sagemaker.tuner.HyperparameterTuner(est, **kwargs))
    elif kind == "HyperparameterTuner.create":
        estimators = {name: _estimator(spec, classes, step) for name, spec in case["estimators"].items()}
        tuner = step(
            "construct_tuner", lambda: sagemaker.tuner.HyperparameterTuner.create(estimator_dict=estimators, **kwargs)
        )
    elif kind == "Transformer":
        transformer = step("construct", lambda: sagemaker.transformer.Transformer(**kwargs))
        step("transform", lambda: transformer.transform(wait=False, **resolve(case["transform"])))
        return
    elif kind == "Estimator.transformer":
        est = _estimator(case["estimator"], classes, step)
        fit = case["fit"]
        step("fit", lambda: est.fit(inputs=resolve(fit.get("inputs")), wait=False, job_name=fit["job_name"]))
        transformer = step("transformer", lambda: est.transformer(**kwargs))
        step("transform", lambda: transformer.transform(wait=False, **resolve(case["transform"])))
        return
    else:
        raise KeyError(kind)
    if tuner is not None and "fit" in case:
        fit = case["fit"]
        extra = {"include_cls_metadata": fit["include_cls_metadata"]} if "include_cls_metadata" in fit else {}
        step(
            "fit",
            lambda: tuner.fit(inputs=resolve(fit.get("inputs")), job_name=fit["job_name"], wait=False, **extra),
        )
