"""PURE: a tuner's settings + its estimators' CreateTrainingJob requests -> CreateHyperParameterTuningJob.

No I/O here. The tuning job's TrainingJobDefinition is derived from the very request the
estimator would send to train (``EstimatorBase.prepare_training_job``), so every estimator
setting reaches the tuning job exactly as it reaches a training job; only what a
definition cannot carry is left out (the tuned hyperparameters, the instance settings,
which move to ``HyperParameterTuningResourceConfig``, and the training job's own Tags,
Debugger and experiment fields, as the official SDK does).

The configuration values users pass (``WarmStartConfig``, ``StrategyConfig``,
``HyperbandStrategyConfig``, ``TuningJobCompletionCriteriaConfig``) live here with their
request forms and inverses (for ``attach``).
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .errors import ValidationError

LOGGER = logging.getLogger("sagemaker_lite")

STRATEGIES = ("Bayesian", "Random", "Hyperband", "Grid")
EARLY_STOPPING_TYPES = ("Off", "Auto")
OBJECTIVE_TYPES = ("Maximize", "Minimize")
TUNING_JOB_NAME_MAX_LENGTH = 32
CLASS_NAME_KEY = "sagemaker_estimator_class_name"
MODULE_KEY = "sagemaker_estimator_module"

#: CreateTrainingJob fields a HyperParameterTrainingJobDefinition carries unchanged
DEFINITION_FIELDS = (
    "RoleArn",
    "OutputDataConfig",
    "StoppingCondition",
    "InputDataConfig",
    "VpcConfig",
    "EnableNetworkIsolation",
    "EnableInterContainerTrafficEncryption",
    "EnableManagedSpotTraining",
    "CheckpointConfig",
    "RetryStrategy",
    "Environment",
)
ALGORITHM_FIELDS = ("TrainingImage", "TrainingInputMode", "AlgorithmName", "MetricDefinitions")
#: settings a training job has and a tuning job's definition cannot express (warned about)
_UNCARRIED_ALGORITHM_FIELDS = ("ContainerEntrypoint", "ContainerArguments", "TrainingImageConfig")


class WarmStartTypes(enum.Enum):
    """How a warm-started tuning job reuses its parents' results."""

    IDENTICAL_DATA_AND_ALGORITHM = "IdenticalDataAndAlgorithm"
    TRANSFER_LEARNING = "TransferLearning"


def _warm_start_type(value: Any) -> WarmStartTypes:
    try:
        return value if isinstance(value, WarmStartTypes) else WarmStartTypes(value)
    except ValueError:
        raise ValidationError(
            "warm_start_type", value, "a WarmStartTypes member ('IdenticalDataAndAlgorithm' or 'TransferLearning')"
        ) from None


def _parents(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    if not items or not all(isinstance(p, str) and p for p in items):
        raise ValidationError("parents", value, "one or more parent tuning job names")
    if len(items) > 5:
        raise ValidationError("parents", value, "at most 5 parent tuning jobs")
    return tuple(dict.fromkeys(items))  # keeps the order given, drops repeats


@attrs.frozen
class WarmStartConfig:
    """``WarmStartConfig(WarmStartTypes.TRANSFER_LEARNING, parents={"tuning-job-1"})``."""

    warm_start_type: WarmStartTypes = attrs.field(converter=_warm_start_type)
    parents: tuple[str, ...] = attrs.field(converter=_parents)

    @property
    def type(self) -> WarmStartTypes:
        return self.warm_start_type

    def to_input_req(self) -> dict[str, Any]:
        return {
            "WarmStartType": self.warm_start_type.value,
            "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": p} for p in self.parents],
        }

    @classmethod
    def from_job_desc(cls, request: Mapping[str, Any] | None) -> WarmStartConfig | None:
        if not request or "WarmStartType" not in request:
            return None
        parents = [p["HyperParameterTuningJobName"] for p in request.get("ParentHyperParameterTuningJobs", [])]
        return cls(request["WarmStartType"], parents)


def _positive_int(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(attribute.name, value, "an integer >= 1")


@attrs.frozen
class HyperbandStrategyConfig:
    """``HyperbandStrategyConfig(max_resource=10, min_resource=1)`` (resources: epochs, rounds, ...)."""

    max_resource: int = attrs.field(validator=_positive_int)
    min_resource: int = attrs.field(validator=_positive_int)

    def __attrs_post_init__(self) -> None:
        if self.min_resource > self.max_resource:
            raise ValidationError("min_resource", self.min_resource, f"a value <= max_resource ({self.max_resource})")

    def to_input_req(self) -> dict[str, int]:
        return {"MinResource": self.min_resource, "MaxResource": self.max_resource}


@attrs.frozen
class StrategyConfig:
    """``StrategyConfig(hyperband_strategy_config=HyperbandStrategyConfig(10, 1))``."""

    hyperband_strategy_config: HyperbandStrategyConfig = attrs.field(
        validator=attrs.validators.instance_of(HyperbandStrategyConfig)
    )

    def to_input_req(self) -> dict[str, Any]:
        return {"HyperbandStrategyConfig": self.hyperband_strategy_config.to_input_req()}

    @classmethod
    def from_job_desc(cls, request: Mapping[str, Any] | None) -> StrategyConfig | None:
        hyperband = (request or {}).get("HyperbandStrategyConfig")
        if not hyperband:
            return None
        return cls(HyperbandStrategyConfig(hyperband["MaxResource"], hyperband["MinResource"]))


@attrs.frozen(kw_only=True)
class TuningJobCompletionCriteriaConfig:
    """Stop tuning early: ``TuningJobCompletionCriteriaConfig(max_number_of_training_jobs_not_improving=5)``."""

    max_number_of_training_jobs_not_improving: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(_positive_int)
    )
    complete_on_convergence: bool | None = attrs.field(default=None)
    target_objective_metric_value: float | None = attrs.field(default=None)

    def to_input_req(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.max_number_of_training_jobs_not_improving is not None:
            out["BestObjectiveNotImproving"] = {
                "MaxNumberOfTrainingJobsNotImproving": self.max_number_of_training_jobs_not_improving
            }
        if self.target_objective_metric_value is not None:
            out["TargetObjectiveMetricValue"] = self.target_objective_metric_value
        if self.complete_on_convergence is not None:
            out["ConvergenceDetected"] = {
                "CompleteOnConvergence": "Enabled" if self.complete_on_convergence else "Disabled"
            }
        return out

    @classmethod
    def from_job_desc(cls, request: Mapping[str, Any] | None) -> TuningJobCompletionCriteriaConfig | None:
        if not request:
            return None
        converged = (request.get("ConvergenceDetected") or {}).get("CompleteOnConvergence")
        return cls(
            max_number_of_training_jobs_not_improving=(request.get("BestObjectiveNotImproving") or {}).get(
                "MaxNumberOfTrainingJobsNotImproving"
            ),
            complete_on_convergence=None if converged is None else converged == "Enabled",
            target_objective_metric_value=request.get("TargetObjectiveMetricValue"),
        )


def official_module(module: str) -> str:
    """Our module path as the official SDK names it, so either SDK can attach the tuning job."""
    return "sagemaker" + module[len("sagemaker_lite") :] if module.startswith("sagemaker_lite") else module


def class_metadata(estimator_class: type) -> dict[str, str]:
    """The static hyperparameters that tell ``attach`` which estimator class to rebuild."""
    return {
        CLASS_NAME_KEY: json.dumps(estimator_class.__name__),
        MODULE_KEY: json.dumps(official_module(estimator_class.__module__)),
    }


def training_job_definition(
    training_request: Mapping[str, Any],
    *,
    tuned: Iterable[str],
    metric_definitions: list[dict[str, str]] | None,
    class_meta: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A HyperParameterTrainingJobDefinition from the CreateTrainingJob request of the same estimator.

    ``tuned`` hyperparameters leave the static ones; ``metric_definitions`` (the tuner's)
    replace the estimator's when given, as in the official SDK.
    """
    static = {k: v for k, v in (training_request.get("HyperParameters") or {}).items() if k not in set(tuned)}
    static.update(class_meta or {})
    algorithm_in = training_request["AlgorithmSpecification"]
    algorithm = {key: algorithm_in[key] for key in ALGORITHM_FIELDS if key in algorithm_in}
    if metric_definitions is not None:
        algorithm["MetricDefinitions"] = [dict(m) for m in metric_definitions]
    dropped = [key for key in _UNCARRIED_ALGORITHM_FIELDS if key in algorithm_in]
    if dropped:
        LOGGER.warning("a tuning job's training jobs cannot carry %s; they are left out", ", ".join(dropped))
    resources = training_request["ResourceConfig"]
    if "InstanceGroups" in resources:
        raise ValidationError(
            "instance_groups",
            resources["InstanceGroups"],
            "instance_count/instance_type for a tuned estimator (tuning jobs do not run heterogeneous clusters)",
        )
    resource_config: dict[str, Any] = {}
    if "VolumeKmsKeyId" in resources:
        resource_config["VolumeKmsKeyId"] = resources["VolumeKmsKeyId"]
    for key in ("InstanceCount", "InstanceType", "VolumeSizeInGB"):
        if key in resources:
            resource_config[key] = resources[key]
    definition: dict[str, Any] = {"StaticHyperParameters": static}
    for key in DEFINITION_FIELDS:
        if key in training_request:
            definition[key] = training_request[key]
    definition["HyperParameterTuningResourceConfig"] = resource_config
    definition["AlgorithmSpecification"] = algorithm
    copied: dict[str, Any] = json.loads(json.dumps(definition))  # a deep copy: the request is not shared
    return copied


def tuning_job_config(
    *,
    strategy: str,
    max_jobs: int | None,
    max_parallel_jobs: int,
    early_stopping_type: str,
    max_runtime_in_seconds: int | None = None,
    random_seed: int | None = None,
    strategy_config: StrategyConfig | None = None,
    objective: Mapping[str, str] | None = None,
    parameter_ranges: Mapping[str, Any] | None = None,
    completion_criteria: TuningJobCompletionCriteriaConfig | None = None,
) -> dict[str, Any]:
    """``HyperParameterTuningJobConfig``; ``objective``/``parameter_ranges`` only for one-estimator tuners."""
    limits: dict[str, Any] = {}
    if max_jobs is not None:
        limits["MaxNumberOfTrainingJobs"] = max_jobs
    limits["MaxParallelTrainingJobs"] = max_parallel_jobs
    if max_runtime_in_seconds is not None:
        limits["MaxRuntimeInSeconds"] = max_runtime_in_seconds
    config: dict[str, Any] = {
        "Strategy": strategy,
        "ResourceLimits": limits,
        "TrainingJobEarlyStoppingType": early_stopping_type,
    }
    if random_seed is not None:
        config["RandomSeed"] = random_seed
    if objective is not None:
        config["HyperParameterTuningJobObjective"] = dict(objective)
    if parameter_ranges is not None:
        config["ParameterRanges"] = dict(parameter_ranges)
    if strategy_config is not None:
        config["StrategyConfig"] = strategy_config.to_input_req()
    if completion_criteria is not None:
        config["TuningJobCompletionCriteria"] = completion_criteria.to_input_req()
    return config


def merge_tags(tuner_tags: list[dict[str, str]] | None, estimator_tags: Any) -> list[dict[str, str]] | None:
    """The tuner's tags, then the estimator's that are not already there (the official order)."""
    tags = list(tuner_tags or [])
    for tag in estimator_tags or []:
        if tag not in tags:
            tags.append(tag)
    return tags or None


def is_framework_estimator(estimator: Any) -> bool:
    """Framework estimators (script mode) send categorical values JSON-encoded, as their hyperparameters are."""
    from .framework import Framework

    return isinstance(estimator, Framework)
