"""The tuner's attach inverse: a DescribeHyperParameterTuningJob response -> the tuner that sends it again.

    tuner = HyperparameterTuner.attach("xgb-tune-1")     # reads the job through this module

Apart from tuner.py because reading a response back is the other direction of the tuner's
one job: each training job definition becomes an estimator again (its class from
``estimator_cls`` or from the class metadata framework tuning jobs carry), its ranges and
objective become the tuner's, and fitting the rebuilt tuner sends the same request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import ValidationError
from .parameter import ranges_from_request
from .tuning import (
    CLASS_NAME_KEY,
    DEFINITION_FIELDS,
    MODULE_KEY,
    StrategyConfig,
    TuningJobCompletionCriteriaConfig,
    WarmStartConfig,
    is_framework_estimator,
)

if TYPE_CHECKING:  # pragma: no cover
    from .tuner import HyperparameterTuner


def tuner_from_description(
    cls: type[HyperparameterTuner], details: Mapping[str, Any], estimator_cls: Any, session: Any
) -> HyperparameterTuner:
    """The tuner (of class ``cls``) whose CreateHyperParameterTuningJob request ``details`` describes."""
    config = details["HyperParameterTuningJobConfig"]
    settings: dict[str, Any] = {
        "strategy": config["Strategy"],
        "max_jobs": config["ResourceLimits"].get("MaxNumberOfTrainingJobs"),
        "max_parallel_jobs": config["ResourceLimits"]["MaxParallelTrainingJobs"],
        "max_runtime_in_seconds": config["ResourceLimits"].get("MaxRuntimeInSeconds"),
        "early_stopping_type": config.get("TrainingJobEarlyStoppingType", "Off"),
        "random_seed": config.get("RandomSeed"),
        "strategy_config": StrategyConfig.from_job_desc(config.get("StrategyConfig")),
        "completion_criteria_config": TuningJobCompletionCriteriaConfig.from_job_desc(
            config.get("TuningJobCompletionCriteria")
        ),
        "warm_start_config": WarmStartConfig.from_job_desc(details.get("WarmStartConfig")),
    }
    if "TrainingJobDefinition" in details:
        definition = details["TrainingJobDefinition"]
        objective = config["HyperParameterTuningJobObjective"]
        estimator = _estimator_from_definition(definition, estimator_cls, session)
        return cls(
            estimator,
            objective["MetricName"],
            ranges_from_request(config["ParameterRanges"], json_categoricals=is_framework_estimator(estimator)),
            metric_definitions=definition["AlgorithmSpecification"].get("MetricDefinitions"),
            objective_type=objective["Type"],
            **settings,
        )
    estimators, objectives, ranges, metrics = {}, {}, {}, {}
    for definition in details["TrainingJobDefinitions"]:
        key = definition["DefinitionName"]
        chosen = estimator_cls.get(key) if isinstance(estimator_cls, Mapping) else estimator_cls
        estimators[key] = _estimator_from_definition(definition, chosen, session)
        objectives[key] = definition["TuningObjective"]["MetricName"]
        settings["objective_type"] = definition["TuningObjective"]["Type"]
        ranges[key] = ranges_from_request(
            definition["HyperParameterRanges"], json_categoricals=is_framework_estimator(estimators[key])
        )
        if definition["AlgorithmSpecification"].get("MetricDefinitions"):
            metrics[key] = definition["AlgorithmSpecification"]["MetricDefinitions"]
    return cls.create(estimators, objectives, ranges, metric_definitions_dict=metrics or None, **settings)


def _estimator_from_definition(definition: Mapping[str, Any], estimator_cls: Any, session: Any) -> Any:
    cls = estimator_cls or _class_from_metadata(definition.get("StaticHyperParameters") or {})
    params = cls._init_params_from_description(definition_as_description(definition), "model")
    params.pop("tags", None)
    params = {key: value for key, value in params.items() if value is not None}
    return cls(sagemaker_session=session, **params)


def _class_from_metadata(static: Mapping[str, str]) -> Any:
    import importlib
    import json

    from .estimator import Estimator

    if CLASS_NAME_KEY not in static or MODULE_KEY not in static:
        return Estimator
    name, module = json.loads(static[CLASS_NAME_KEY]), json.loads(static[MODULE_KEY])
    if module.startswith("sagemaker.") or module == "sagemaker":
        module = "sagemaker_lite" + module[len("sagemaker") :]
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ValidationError(
            "estimator_cls",
            None,
            f"an estimator class: the tuning job names {module}.{name}, which sagemaker_lite lacks",
        ) from None


def definition_as_description(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A DescribeTrainingJob-shaped view of a definition, so estimators' attach inverses can read it."""
    description = {key: definition[key] for key in DEFINITION_FIELDS if key in definition}
    description["AlgorithmSpecification"] = dict(definition.get("AlgorithmSpecification") or {})
    description["HyperParameters"] = {
        k: v
        for k, v in (definition.get("StaticHyperParameters") or {}).items()
        if k not in (CLASS_NAME_KEY, MODULE_KEY)
    }
    resources = dict(definition.get("HyperParameterTuningResourceConfig") or definition.get("ResourceConfig") or {})
    resources.pop("InstanceConfigs", None)
    resources.pop("AllocationStrategy", None)
    description["ResourceConfig"] = resources
    return description
